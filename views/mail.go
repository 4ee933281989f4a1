package views

import (
	"context"
	"net/url"
	"regexp"
	"time"

	"admincenter/internal/domain"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// MailRow is one outbox message on the Mail page or in the development mailbox.
type MailRow struct {
	ID            int64
	To            string
	Subject       string
	State         string
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        time.Time
	Text          string // the development mailbox only
	LinkErased    bool   // sent: the link's token is gone
}

// MailView is the administrators' Mail page.
type MailView struct {
	Problems []MailRow
	Queued   int
	Sent     int
	SMTP     bool
}

// DevMailView is the development mailbox.
type DevMailView struct {
	Messages []MailRow
}

// DomainsView is the Domains page.
type DomainsView struct {
	Domains []*domain.OrgDomain
	Form    Form
}

// domainProblem says in the reader's language what the last check of d found; a text no message
// makes (recorded by an older version) as it is.
func domainProblem(ctx context.Context, d *domain.OrgDomain) string {
	if m := d.Problem(); !m.IsZero() {
		return M(ctx, m)
	}
	return d.LastError
}

// textPart is a run of text or a link within an email's text body.
type textPart struct {
	Text string
	Link bool
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkParts splits text so that its URLs can be shown as links.
func linkParts(text string) []textPart {
	var out []textPart
	last := 0
	for _, m := range linkRE.FindAllStringIndex(text, -1) {
		if m[0] > last {
			out = append(out, textPart{Text: text[last:m[0]]})
		}
		out = append(out, textPart{Text: text[m[0]:m[1]], Link: true})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, textPart{Text: text[last:]})
	}
	return out
}

func mailStateBadge(state string) string {
	switch state {
	case "sent":
		return "badge-active"
	case "pending":
		return "badge-info"
	case "dead":
		return "badge-suspended"
	}
	return "badge-danger"
}

func mailStateLabel(ctx context.Context, state string) string {
	switch state {
	case "sent", "pending", "dead", "failed":
		return T(ctx, "mailpage.state."+state)
	}
	return state
}
