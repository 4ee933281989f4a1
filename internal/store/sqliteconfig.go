package store

import (
	"encoding/binary"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// pageSlots gives SQLite one block of memory for every connection's cached pages
// (SQLITE_CONFIG_PAGECACHE): a page is taken from and given back to its free list. Without it
// each page is allocated and freed on its own, through modernc's allocator, which hands freed
// memory back to the kernel and maps it again; and every commit makes each reader free all its
// pages (store.go). Under ten writes a second that was a fifth of the server's CPU and halved
// the pages read a second; with the block, reads under the writer stay within a tenth of reads
// without it. The block holds the caches of all connections (readers × readerCacheKiB and
// writerCacheKiB) of 4 KiB pages, the page size of every database this program creates; a page
// that does not fit (a larger page size, a second store in one process) is allocated on its own
// as before. It is reserved, not touched: the kernel maps its memory in as pages are cached.
var pageSlots = (readers*readerCacheKiB + writerCacheKiB) * 1024 / 4096

// The setting is process-wide and must come before SQLite initializes, that is before the first
// connection opens; should something have opened one first, SQLite refuses it and every page is
// allocated on its own, which is only slower.
func init() {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.Xmalloc(tls, 3*8) // up to three variadic arguments, 8 bytes each in ccgo's ABI
	hdr := libc.Xcalloc(tls, 1, 8)
	if va == 0 || hdr == 0 {
		return
	}
	defer libc.Xfree(tls, va)
	defer libc.Xfree(tls, hdr)
	// Each slot holds a page and SQLite's header for it.
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(va, hdr)) != sqlite3.SQLITE_OK {
		return
	}
	slot := (4096 + int(int32(binary.NativeEndian.Uint32(libc.GoBytes(hdr, 4)))) + 7) &^ 7
	block := libc.Xmalloc(tls, libc.Tsize_t(slot*pageSlots)) // for the life of the process
	if block == 0 {
		return
	}
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, libc.VaList(va, block, int32(slot), int32(pageSlots))) != sqlite3.SQLITE_OK {
		libc.Xfree(tls, block)
	}
}
