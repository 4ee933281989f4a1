package auth

import "admincenter/internal/domain"

// PasswordProblem returns why a new password is not acceptable, or "" when it is.
// hints are words the password must not lean on (the user's email, name, organization).
// Every form that sets a password calls it.
func PasswordProblem(password string, hints ...string) string {
	return domain.ValidatePassword(password)
}
