package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/verbund/verbund/auth"
)

func runAuth(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "clients":
			return runAuthClients(ctx, e, args[1:])
		case "credentials":
			return runAuthCredentials(ctx, e, args[1:])
		}
	}

	fs := newFlags(e, "auth", "auth [-config sites.toml] [-addr host:port] -data folder [flags]\n"+
		"       verbund auth clients add|list|remove [flags]\n"+
		"       verbund auth credentials create|list|revoke [flags]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	addr := fs.String("addr", "", "listen `address` for citizens; default the [account] addr of sites.toml")
	adminAddr := fs.String("admin-addr", "", "listen `address` of the admin API; empty serves none")
	senderAddr := fs.String("sender-addr", "", "listen `address` of the sender API for administrations; empty serves none")
	data := fs.String("data", "", "`folder` for the SQLite database, keys, audit log and development outbox")
	database := fs.String("database", "", "PostgreSQL connection `string` (postgres://... URL or key=value pairs) instead of SQLite in -data")
	insecure := fs.Bool("insecure", false, "serve plain HTTP on loopback for local development (cookies without Secure)")
	production := fs.Bool("production", false, "refuse throw-away stores, insecure mode and the development outbox")
	clientIP := fs.String("client-ip-header", "", "`header` a trusted reverse proxy sets to the client address, such as X-Forwarded-For")
	retention := fs.Int("retention-days", 365, "`days` a message stays in the mailbox when the sender sets no retention period")
	evidence := fs.Int("evidence-days", 3*365, "`days` the receipt of a message (sent, read, deleted) is kept after sending")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		fmt.Fprintln(fs.Output(), "missing -data: the folder for the key files and audit log "+
			"(and the SQLite database unless -database is set), such as /var/lib/verbund-konto")
		fs.Usage()
		return errUsage
	}
	auth.TuneGC()
	return auth.Run(ctx, auth.Options{
		ConfigPath:        *config,
		Addr:              *addr,
		AdminAddr:         *adminAddr,
		SenderAddr:        *senderAddr,
		DataDir:           *data,
		DatabaseURL:       *database,
		Insecure:          *insecure,
		Production:        *production,
		ClientIPHeader:    *clientIP,
		MessageRetention:  days(*retention),
		EvidenceRetention: days(*evidence),
		SMTP:              auth.SMTPOptionsFromEnv(),
		Logger:            e.log,
	})
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
