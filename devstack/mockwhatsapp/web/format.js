// WhatsApp text formatting, rendered safely: the text is HTML-escaped first,
// so only the tags added here can reach the page.
"use strict";

function escapeHTML(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// formatWhatsApp returns HTML for *bold*, _italic_, ~strike~, ```mono```
// and new lines. A marker counts only when the text it wraps does not start
// or end with a space, as in WhatsApp.
function formatWhatsApp(text) {
  let html = escapeHTML(text);

  // Monospace first, and hide its content from the other rules.
  const mono = [];
  html = html.replace(/```([\s\S]+?)```/g, (_, inner) => {
    mono.push(inner);
    return "\u0000" + (mono.length - 1) + "\u0000";
  });

  html = html.replace(/\*(?! )([^*\n]+?)(?<! )\*/g, "<strong>$1</strong>");
  html = html.replace(/(^|[^\w])_(?! )([^_\n]+?)(?<! )_(?!\w)/g, "$1<em>$2</em>");
  html = html.replace(/~(?! )([^~\n]+?)(?<! )~/g, "<del>$1</del>");

  html = html.replace(/\u0000(\d+)\u0000/g, (_, i) => "<code>" + mono[Number(i)] + "</code>");
  return html.replace(/\n/g, "<br>");
}
