package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	texttemplate "text/template"

	"admincenter/internal/domain"
	"admincenter/internal/i18n"
	"admincenter/internal/store"
)

// Message is an email as its recipient gets it.
type Message struct {
	Subject    string
	Text       string
	HTML       string
	LinkErased bool // the email's link needs a token that is no longer kept (it was sent)
}

// letter is an email written for the person who receives it: a greeting, a few short
// paragraphs, at most one button, and a closing note on why they got it. Both bodies are
// made from it, by the templates below.
type letter struct {
	Subject    string
	Greeting   string
	Paragraphs []string
	Action     string // the button's label
	Path       string // the button's link below the base URL; "" for no button
	WithToken  bool   // the link ends in the email's link token
	Note       string // small print: why this email came, what happens if ignored

	lang, ifButton, brand string // the frame's language and words, set by Compose
}

// tokenPlaceholder stands where a link's token goes in the bodies of a row queued before kinds
// (rendered then, with the token sealed beside them), and in a sent email whose token is erased.
const tokenPlaceholder = "{{TOKEN}}"

var letterText = texttemplate.Must(texttemplate.New("letter").Parse(
	"{{.Greeting}}\n\n{{range .Paragraphs}}{{.}}\n\n{{end}}" +
		"{{if .URL}}{{.Action}}:\n{{.URL}}\n\n{{end}}" +
		"{{if .Note}}-- \n{{.Note}}\n{{end}}"))

var letterHTML = template.Must(template.New("letter").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;font-size:15px;line-height:1.5">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="560" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border:1px solid #d8dee4;border-radius:8px">
<tr><td style="padding:24px 28px">
<p style="margin:0 0 16px;font-weight:600;color:#0a58ca">{{.Brand}}</p>
<p style="margin:0 0 12px">{{.Greeting}}</p>
{{range .Paragraphs}}<p style="margin:0 0 12px">{{.}}</p>
{{end}}{{if .URL}}<p style="margin:20px 0"><a href="{{.URL}}" style="display:inline-block;background:#0a58ca;color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px">{{.Action}}</a></p>
<p style="margin:0 0 12px;font-size:13px;color:#59636e">{{.IfButton}}<br><span style="word-break:break-all">{{.URL}}</span></p>
{{end}}{{if .Note}}<p style="margin:16px 0 0;font-size:13px;color:#59636e">{{.Note}}</p>{{end}}
</td></tr></table></td></tr></table></body></html>
`))

// Compose writes the email of an outbox row from its kind and data, with links below baseURL
// (the configured one, never a request's) that carry the row's link token. A row queued before
// kinds is sent as it was rendered then.
func Compose(m *store.OutboxMail, baseURL string) (Message, error) {
	if m.Kind == "" {
		return composeRendered(m), nil
	}
	write, ok := letters[m.Kind]
	if !ok {
		return Message{}, fmt.Errorf("mail: no email of kind %q (outbox row %d)", m.Kind, m.ID)
	}
	l := i18n.New(m.Data.Language, m.Data.TimeZone)
	lt := write(m.Data, l)
	lt.lang, lt.ifButton, lt.brand = domain.LangEnglish, l.T("mail.button_fallback"), l.T("app.name")
	if l.Lang == domain.LangJapanese {
		lt.lang = l.Lang
	}
	return composeLetter(lt, baseURL, m.Token)
}

func composeLetter(l letter, baseURL, token string) (Message, error) {
	msg := Message{Subject: l.Subject}
	var url string
	if l.Path != "" {
		url = strings.TrimSuffix(baseURL, "/") + l.Path
		if l.WithToken {
			if token == "" {
				token, msg.LinkErased = tokenPlaceholder, true
			}
			url += token
		}
	}
	// The URL is built here from the base URL and values the store made (SIDs, tokens), so it
	// is trusted as it is rather than filtered by html/template.
	v := struct {
		letter
		URL                   template.URL
		Lang, IfButton, Brand string
	}{l, template.URL(url), l.lang, l.ifButton, l.brand}
	var text, html bytes.Buffer
	if err := letterText.Execute(&text, v); err != nil {
		return Message{}, err
	}
	if err := letterHTML.Execute(&html, v); err != nil {
		return Message{}, err
	}
	msg.Text, msg.HTML = text.String(), html.String()
	return msg, nil
}

// composeRendered puts the row's token back into the bodies rendered before kinds.
func composeRendered(m *store.OutboxMail) Message {
	msg := Message{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	if m.Token == "" {
		msg.LinkErased = strings.Contains(m.Text, tokenPlaceholder)
		return msg
	}
	msg.Text = strings.ReplaceAll(msg.Text, tokenPlaceholder, m.Token)
	msg.HTML = strings.ReplaceAll(msg.HTML, tokenPlaceholder, m.Token)
	return msg
}
