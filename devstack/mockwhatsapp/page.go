package mockwhatsapp

import (
	"bytes"
	"embed"
	"html"
	"io/fs"
	"net/http"
)

// webFiles is the web chat page: plain HTML, CSS and JavaScript with no
// external assets, so that it works offline.
//
//go:embed web
var webFiles embed.FS

// handlePage serves GET /: the web chat page, with this mock's business
// display number and phone number id written in for the chat header.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	page, err := webFiles.ReadFile("web/index.html")
	if err != nil {
		http.Error(w, "web chat page missing from the build: "+err.Error(), http.StatusInternalServerError)
		return
	}
	page = bytes.ReplaceAll(page, []byte("__BUSINESS_NUMBER__"), []byte(html.EscapeString(s.cfg.DisplayNumber)))
	page = bytes.ReplaceAll(page, []byte("__PHONE_NUMBER_ID__"), []byte(html.EscapeString(s.cfg.PhoneNumberID)))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(page)
}

// pageAssets serves the page's scripts and styles under /assets/.
func pageAssets() http.Handler {
	assets, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic("mockwhatsapp: embedded web folder missing: " + err.Error())
	}
	return http.StripPrefix("/assets/", http.FileServerFS(assets))
}
