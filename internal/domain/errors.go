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
// Fields maps form field names to messages for validation errors.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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

// Validation collects field errors; Err returns nil when there are none.
type Validation map[string]string

// Add records msg for field unless the field already has a message.
func (v Validation) Add(field, msg string) {
	if _, ok := v[field]; !ok {
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

// FieldErrors returns the field messages of err, if it is a validation error.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
