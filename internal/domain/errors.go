// Package domain holds Admin Center's types, their validation and its error codes.
// It imports the standard library only.
package domain

import (
	"errors"
	"fmt"
)

// Error codes, one per way a request can fail that the user should hear about.
const (
	EInvalid      = "invalid"      // bad input: 422 in the console, 400 in the API
	ENotFound     = "not_found"    // 404; also what another organization's SID gets
	EConflict     = "conflict"     // 409: the thing exists already or changed meanwhile
	EForbidden    = "forbidden"    // 403: seen but not allowed to act
	EUnauthorized = "unauthorized" // 401: not signed in / bad credentials
	ETooMany      = "too_many"     // 429
	EInternal     = "internal"     // 500
)

// Error is the one error type with a code and a message that is safe to show a user.
// Fields holds the message of each form field for validation errors.
type Error struct {
	Code    string
	Message string
	Fields  Validation
	Msg     Message // Message as a catalog message, when it has one: what a page translates
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fail returns an *Error with the code that says m (a catalog message, which pages translate).
func Fail(code string, m Message) *Error { return &Error{Code: code, Message: m.Text, Msg: m} }

// ErrorMsg returns the catalog message of err, if it has one.
func ErrorMsg(err error) (Message, bool) {
	var e *Error
	if errors.As(err, &e) && !e.Msg.IsZero() {
		return e.Msg, true
	}
	return Message{}, false
}

// ErrorCode returns the code of err, EInternal for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// Validation collects field errors: a message for each form field's name. Err returns nil
// when there are none.
type Validation map[string]Message

// Add records msg for field unless msg is zero (the check found nothing) or the field already
// has a message: the first problem found is the one shown.
func (v Validation) Add(field string, msg Message) {
	if _, ok := v[field]; !ok && !msg.IsZero() {
		v[field] = msg
	}
}

// Err returns an EInvalid *Error carrying the field messages, or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "Please correct the fields marked below.", Fields: v}
}

// FieldError returns the validation error of one field, or nil when msg is zero.
func FieldError(field string, msg Message) error {
	v := Validation{}
	v.Add(field, msg)
	return v.Err()
}

// FieldErrors returns the English text of each field's message, if err is a validation error.
func FieldErrors(err error) map[string]string {
	var e *Error
	if !errors.As(err, &e) || e.Fields == nil {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for field, m := range e.Fields {
		out[field] = m.Text
	}
	return out
}

// FieldMessages returns each field's message, if err is a validation error: what a view
// translates (the catalog key is "form." + the message's ID).
func FieldMessages(err error) map[string]Message {
	var e *Error
	if !errors.As(err, &e) || e.Fields == nil {
		return nil
	}
	out := make(map[string]Message, len(e.Fields))
	for field, m := range e.Fields {
		out[field] = m
	}
	return out
}
