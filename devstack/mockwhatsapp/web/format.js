// WhatsApp text formatting, rendered safely: the whole text is HTML-escaped
// first, so only the tags that formatWhatsApp adds can reach the page.
"use strict";

function escapeHTML(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// Code spans and links are swapped for placeholders (NUL, index, NUL) while
// the emphasis rules run, so that a "_" inside a URL or a "*" inside code
// stays as typed. NUL never survives from the input: it is removed first.
const placeholderPattern = /\u0000(\d+)\u0000/g;

// A bare URL in escaped text: http or https only, so no other scheme can
// become a link. It ends before white space or an escaped <, > or quote.
const urlPattern = /\bhttps?:\/\/(?:(?!&lt;|&gt;|&quot;|&#39;)[^\s\u0000])+/g;

// Characters that end a sentence or close a marker are not part of a URL
// when they come last, as in WhatsApp: "see https://x.org." links
// "https://x.org".
const urlTrailing = /(?:[.,;:!?)\]*_~]|&amp;)+$/;

// emphasis returns a rule for one marker (*, _ or ~). As in WhatsApp, the
// marker must not touch a letter or digit on its outer side, the wrapped
// text must not start or end with a space, and it stays on one line.
function emphasis(marker, tag) {
  const m = marker === "*" ? "\\*" : marker;
  const pattern = new RegExp(
    `(^|[^\\p{L}\\p{N}${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?![\\p{L}\\p{N}${m}])`, "gmu");
  return (html) => html.replace(pattern, `$1<${tag}>$2</${tag}>`);
}

const emphasisRules = [emphasis("*", "strong"), emphasis("_", "em"), emphasis("~", "del")];

// formatWhatsApp returns HTML for WhatsApp's formatting: *bold*, _italic_,
// ~strike~, ```monospace```, `inline code`, "> " quotes at a line start,
// bare http(s) URLs as links, and new lines.
function formatWhatsApp(text) {
  let html = escapeHTML(String(text).replace(/\u0000/g, ""));
  const fragments = [];
  const keep = (fragment) => {
    fragments.push(fragment);
    return "\u0000" + (fragments.length - 1) + "\u0000";
  };

  html = html.replace(/```([\s\S]+?)```/g, (_, inner) => keep(`<code class="mono">${inner}</code>`));
  html = html.replace(/`([^`\n]+)`/g, (_, inner) => keep(`<code>${inner}</code>`));
  html = html.replace(urlPattern, (url) => {
    const trailing = (url.match(urlTrailing) || [""])[0];
    const link = url.slice(0, url.length - trailing.length);
    if (!/^https?:\/\/./.test(link)) return url;
    return keep(`<a href="${link}" target="_blank" rel="noopener noreferrer">${link}</a>`) + trailing;
  });

  for (const rule of emphasisRules) html = rule(html);
  html = html.replace(/^&gt; (.*)$/gm, '<span class="quote">$1</span>');

  html = html.replace(placeholderPattern, (_, i) => fragments[Number(i)]);
  return html.replace(/\n/g, "<br>");
}

// plainText returns text without WhatsApp's markers, for one-line previews.
function plainText(text) {
  return String(text).replace(/```|[*_~`]/g, "").replace(/\s+/g, " ").trim();
}
