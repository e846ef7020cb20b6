package mockwhatsapp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"time"
)

// inMessage is one entry of a webhook's "messages" array, as Meta builds it.
type inMessage struct {
	From        string         `json:"from,omitempty"`
	FromUserID  string         `json:"from_user_id,omitempty"`
	GroupID     string         `json:"group_id,omitempty"`
	ID          string         `json:"id"`
	Timestamp   string         `json:"timestamp"`
	Context     *inContext     `json:"context,omitempty"`
	Type        string         `json:"type"`
	Text        *inText        `json:"text,omitempty"`
	Interactive *inInteractive `json:"interactive,omitempty"`
	Button      *inButton      `json:"button,omitempty"`
	Image       *inMedia       `json:"image,omitempty"`
	Sticker     *inMedia       `json:"sticker,omitempty"`
	Audio       *inMedia       `json:"audio,omitempty"`
	Video       *inMedia       `json:"video,omitempty"`
	Document    *inMedia       `json:"document,omitempty"`
	Location    *inLocation    `json:"location,omitempty"`
	Reaction    *inReaction    `json:"reaction,omitempty"`
	Errors      []errorItem    `json:"errors,omitempty"`
}

type inContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

type inText struct {
	Body string `json:"body"`
}

type inInteractive struct {
	Type        string      `json:"type"`
	ButtonReply *inChoice   `json:"button_reply,omitempty"`
	ListReply   *inChoice   `json:"list_reply,omitempty"`
	NfmReply    *inNfmReply `json:"nfm_reply,omitempty"`
}

type inChoice struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type inNfmReply struct {
	Name         string `json:"name"`
	Body         string `json:"body"`
	ResponseJSON string `json:"response_json"`
}

type inButton struct {
	Text    string `json:"text"`
	Payload string `json:"payload"`
}

type inMedia struct {
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	ID       string `json:"id"`
	Caption  string `json:"caption,omitempty"`
	Animated *bool  `json:"animated,omitempty"`
}

type inLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

type inReaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// Location sent when the request gives none: Harare.
const (
	defaultLatitude  = -17.8292
	defaultLongitude = 31.0522
)

// buildMessage returns the webhook message object for one request. Replies
// to our messages (taps, Flow replies) get a context that points at the
// user's latest accepted outbound message that offers the choice, else the
// newest one, unless the request names context_id.
func (s *Server) buildMessage(req *InboundRequest, now time.Time) (inMessage, error) {
	user := req.user()
	ts := req.Timestamp
	if ts == 0 {
		ts = now.Unix()
	}
	msg := inMessage{
		From:       req.From,
		FromUserID: req.UserID,
		GroupID:    req.GroupID,
		ID:         req.messageID(),
		Timestamp:  unixString(ts),
		Type:       req.kind(),
	}
	if req.ContextID != "" && msg.Type != "reaction" {
		msg.Context = &inContext{From: s.cfg.DisplayNumber, ID: req.ContextID}
	}

	switch req.kind() {
	case "text":
		msg.Text = &inText{Body: req.Text}
	case "button_reply", "list_reply":
		s.buildChoice(&msg, req, user)
	case "button":
		s.setContext(&msg, user, func(_ string, m *outMessage) bool { return m.holdsChoice(req.Payload) })
		msg.Button = &inButton{Text: orDefault(req.Text, req.Payload), Payload: req.Payload}
	case "flow":
		return msg, s.buildFlowReply(&msg, req, user)
	case "image":
		msg.Image = &inMedia{MimeType: "image/jpeg", SHA256: fakeSHA256(), ID: fakeMediaID(), Caption: req.Caption}
	case "sticker":
		animated := false
		msg.Sticker = &inMedia{MimeType: "image/webp", SHA256: fakeSHA256(), ID: fakeMediaID(), Animated: &animated}
	case "audio":
		// A voice note, the most common kind of audio.
		msg.Audio = &inMedia{MimeType: "audio/ogg; codecs=opus", SHA256: fakeSHA256(), ID: fakeMediaID()}
	case "video":
		msg.Video = &inMedia{MimeType: "video/mp4", SHA256: fakeSHA256(), ID: fakeMediaID(), Caption: req.Caption}
	case "document":
		msg.Document = &inMedia{MimeType: "application/pdf", SHA256: fakeSHA256(), ID: fakeMediaID(), Caption: req.Caption}
	case "location":
		msg.Location = req.location()
	case "reaction":
		target := req.ContextID
		if target == "" {
			target, _, _ = s.store.lastAccepted(user, anyMessage)
		}
		msg.Reaction = &inReaction{MessageID: target, Emoji: req.Emoji}
	case "unsupported":
		msg.Errors = []errorItem{newErrorItem(codeUnsupportedType, "Message type is not currently supported.")}
	}
	return msg, nil
}

// buildChoice fills a button_reply or list_reply. The title and description
// default to what the tapped message shows for that id.
func (s *Server) buildChoice(msg *inMessage, req *InboundRequest, user string) {
	tapped := s.setContext(msg, user, func(_ string, m *outMessage) bool { return m.holdsChoice(req.ID) })
	choice := &inChoice{ID: req.ID, Title: req.Title, Description: req.Description}
	if tapped != nil && choice.Title == "" {
		choice.Title, choice.Description = tapped.choiceTitle(req.ID)
	}
	choice.Title = orDefault(choice.Title, req.ID)

	msg.Type = "interactive"
	msg.Interactive = &inInteractive{Type: req.kind()}
	if req.kind() == "button_reply" {
		choice.Description = ""
		msg.Interactive.ButtonReply = choice
	} else {
		msg.Interactive.ListReply = choice
	}
}

// buildFlowReply fills an nfm_reply whose response_json is a JSON string of
// the fields plus a flow_token. The token is the request's, else the one of
// the Flow message replied to, else "unused" (Meta's value when none was sent).
func (s *Server) buildFlowReply(msg *inMessage, req *InboundRequest, user string) error {
	flow := s.setContext(msg, user, func(_ string, m *outMessage) bool { return m.isFlow() })
	token := req.FlowToken
	if token == "" && flow != nil {
		token = flow.flowToken()
	}

	response := make(map[string]any, len(req.Fields)+1)
	for k, v := range req.Fields {
		response[k] = v
	}
	response["flow_token"] = orDefault(token, "unused")
	raw, err := json.Marshal(response)
	if err != nil {
		return fmt.Errorf("encode flow fields: %w", err)
	}

	msg.Type = "interactive"
	msg.Interactive = &inInteractive{
		Type:     "nfm_reply",
		NfmReply: &inNfmReply{Name: "flow", Body: orDefault(req.Text, "Sent"), ResponseJSON: string(raw)},
	}
	return nil
}

// setContext points msg.context at the latest accepted message to user that
// matches, else the newest accepted one, unless the request set a context.
// It returns the message the context points at, or nil when the mock does
// not know it.
func (s *Server) setContext(msg *inMessage, user string, match func(string, *outMessage) bool) *outMessage {
	if msg.Context != nil {
		given := msg.Context.ID
		_, m, _ := s.store.lastAccepted(user, func(id string, _ *outMessage) bool { return id == given })
		return m
	}

	id, m, ok := s.store.lastAccepted(user, match)
	if !ok {
		id, m, ok = s.store.lastAccepted(user, anyMessage)
	}
	if !ok {
		return nil
	}
	msg.Context = &inContext{From: s.cfg.DisplayNumber, ID: id}
	return m
}

func anyMessage(string, *outMessage) bool { return true }

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

// fakeMediaID returns a random 15-digit media id.
func fakeMediaID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9e14))
	return fmt.Sprintf("%d", n.Int64()+1e14)
}

// fakeSHA256 returns a random base64 value shaped like a media hash.
func fakeSHA256() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
