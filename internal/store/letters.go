package store

import (
	"bytes"
	"database/sql"
	"html/template"
	"strings"
)

// letter is an email written for the person who receives it: a greeting, a few short
// paragraphs, at most one button, and a closing note on why they got it. Both the text
// and the HTML body are made from it.
type letter struct {
	Subject    string
	Greeting   string
	Paragraphs []string
	Action     string // the button's label
	Path       string // the button's link below the base URL; may end in linkToken
	Note       string // small print: why this email came, what happens if ignored
}

// linkToken marks where a link's token goes; the outbox keeps MailTokenPlaceholder there
// and the sender puts the sealed token back in just before sending.
const linkToken = "LINKTOKEN0"

var letterHTML = template.Must(template.New("letter").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;font-size:15px;line-height:1.5">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="560" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border:1px solid #d8dee4;border-radius:8px">
<tr><td style="padding:24px 28px">
<p style="margin:0 0 16px;font-weight:600;color:#0a58ca">Admin Center</p>
<p style="margin:0 0 12px">{{.Greeting}}</p>
{{range .Paragraphs}}<p style="margin:0 0 12px">{{.}}</p>
{{end}}{{if .URL}}<p style="margin:20px 0"><a href="{{.URL}}" style="display:inline-block;background:#0a58ca;color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px">{{.Action}}</a></p>
<p style="margin:0 0 12px;font-size:13px;color:#59636e">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all">{{.URL}}</span></p>
{{end}}{{if .Note}}<p style="margin:16px 0 0;font-size:13px;color:#59636e">{{.Note}}</p>{{end}}
</td></tr></table></td></tr></table></body></html>
`))

// letterMail renders the letter to orgSID's outbox row for to; token is the raw link token, if any.
func (s *Store) letterMail(l letter, orgSID, to, token string) (Mail, error) {
	url := ""
	if l.Path != "" {
		url = strings.TrimSuffix(s.BaseURL, "/") + l.Path
	}
	var text strings.Builder
	text.WriteString(l.Greeting + "\n\n")
	for _, p := range l.Paragraphs {
		text.WriteString(p + "\n\n")
	}
	if url != "" {
		text.WriteString(l.Action + ":\n" + url + "\n\n")
	}
	if l.Note != "" {
		text.WriteString("-- \n" + l.Note + "\n")
	}
	var html bytes.Buffer
	err := letterHTML.Execute(&html, struct {
		letter
		URL template.URL
	}{l, template.URL(url)})
	if err != nil {
		return Mail{}, err
	}
	put := func(s string) string { return strings.ReplaceAll(s, linkToken, MailTokenPlaceholder) }
	return Mail{OrgSID: orgSID, To: to, Subject: l.Subject, Text: put(text.String()), HTML: put(html.String()), Token: token}, nil
}

// enqueueLetter renders the letter and writes it to the outbox inside tx.
func (s *Store) enqueueLetter(tx *sql.Tx, l letter, orgSID, to, token string) error {
	m, err := s.letterMail(l, orgSID, to, token)
	if err != nil {
		return err
	}
	return s.enqueueMail(tx, m)
}
