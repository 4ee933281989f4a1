// Package auth holds password hashing, tokens and secret encryption. It knows nothing of HTTP or SQL.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). Each check
// holds its memory while it runs, so at most one check per core runs at once (hashSlots):
// a burst of sign-ins queues instead of multiplying the server's memory.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var hashSlots = make(chan struct{}, runtime.NumCPU())

func idKey(password, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, t, m, p, n)
}

var b64 = base64.RawStdEncoding

// HashPassword returns an argon2id PHC string for password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformedHash is returned for a stored hash that is not an argon2id PHC string.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// NoPassword stands for the password hash of a user who has none yet (one provisioned by SCIM,
// who chooses one through password recovery): no password matches it. It costs nothing to
// store, where hashing a random password cost an argon2id hash per provisioned user.
const NoPassword = "!"

// CheckPassword reports whether password matches the PHC string. Against NoPassword it is false,
// after as long as a real check takes.
func CheckPassword(phc, password string) (bool, error) {
	if phc == NoPassword {
		BurnPasswordCheck(password)
		return false, nil
	}
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformedHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, ErrMalformedHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformedHash
	}
	if m > 256*1024 || t > 16 || p == 0 {
		return false, ErrMalformedHash // refuse parameters no hash of ours has: a planted row must not exhaust memory
	}
	got := idKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a sign-in names an unknown email, so that
// the answer takes as long as for a known one.
var dummyHash, _ = HashPassword("admin-center-timing-equaliser")

// BurnPasswordCheck spends the time of one password check.
func BurnPasswordCheck(password string) { _, _ = CheckPassword(dummyHash, password) }
