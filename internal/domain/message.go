package domain

import (
	"fmt"
	"strings"
	"time"
)

// Message is something said to a person: a stable ID that a translation can key on, and its
// English text. Args are the values filled into the English text, in order, so that a
// translation can fill them into its own; an argument may itself be a Message.
type Message struct {
	ID   string
	Text string
	Args []any
}

// String returns the English text.
func (m Message) String() string { return m.Text }

// IsZero reports whether m says nothing (a check that found no problem).
func (m Message) IsZero() bool { return m.ID == "" }

// With fills args into the message's English text (a catalog entry with verbs such as %s). A
// time.Time argument is written with FormatTime in the English text; a translation writes it in
// the reader's zone and language. A []Message argument is a list, said item by item and joined
// with the language's separator (", " in English).
func (m Message) With(args ...any) Message {
	text := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			a = FormatTime(v)
		case Message:
			a = v.Text
		case []Message:
			parts := make([]string, len(v))
			for j, item := range v {
				parts[j] = item.Text
			}
			a = strings.Join(parts, ", ")
		}
		text[i] = a
	}
	return Message{ID: m.ID, Text: fmt.Sprintf(m.Text, text...), Args: args}
}

// JoinMessages makes one message of several said about one field: the first alone, or all of
// them one after the other.
func JoinMessages(msgs ...Message) Message {
	if len(msgs) == 1 {
		return msgs[0]
	}
	text, args := "", make([]any, len(msgs))
	for i, m := range msgs {
		if i > 0 {
			text += " "
		}
		text += m.Text
		args[i] = m
	}
	return Message{ID: MsgJoined.ID, Text: text, Args: args}
}
