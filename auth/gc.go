package auth

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target percentage that TuneGC
// sets: the heap may grow by this percentage of the live heap before the
// next collection starts.
//
// The service keeps only a few MiB live, so at Go's default of 100 it
// collects after every few MiB allocated. A mailbox listing allocates
// some 50 KiB, and with 50 clients on 2 cores (bench/auth) that meant 50
// to 90 collections a second, each taking processor time from requests
// and pausing them briefly. At 200 there are about half as many, for a
// heap of up to three times the live heap instead of two.
//
// NOTE: each argon2id hash allocates Argon2.Memory (19 MiB by default)
// on the heap, so during logins the heap may grow by three times that
// per hash in progress.
const GCPercent = 200

// TuneGC sets the garbage collector's target percentage to GCPercent
// unless the GOGC environment variable sets one. It changes the whole
// process, so only a program that runs the service calls it.
func TuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(GCPercent)
}
