package cli

import (
	"context"

	"github.com/verbund/verbund/auth"
)

func runAuth(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth", "auth [-config sites.toml] [-addr host:port] -data folder [flags]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	addr := fs.String("addr", "", "listen `address` for citizens; default the [account] addr of sites.toml")
	adminAddr := fs.String("admin-addr", "", "listen `address` of the admin API; empty serves none")
	data := fs.String("data", "", "`folder` for the SQLite database, keys, audit log and development outbox")
	database := fs.String("database", "", "PostgreSQL `URL` (postgres://...) instead of SQLite in -data")
	insecure := fs.Bool("insecure", false, "serve plain HTTP on loopback for local development (cookies without Secure)")
	production := fs.Bool("production", false, "refuse throw-away stores, insecure mode and the development outbox")
	clientIP := fs.String("client-ip-header", "", "`header` a trusted reverse proxy sets to the client address, such as X-Forwarded-For")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *data == "" {
		fs.Usage()
		return errUsage
	}
	return auth.Run(ctx, auth.Options{
		ConfigPath:     *config,
		Addr:           *addr,
		AdminAddr:      *adminAddr,
		DataDir:        *data,
		DatabaseURL:    *database,
		Insecure:       *insecure,
		Production:     *production,
		ClientIPHeader: *clientIP,
		SMTP:           auth.SMTPOptionsFromEnv(),
		Logger:         e.log,
	})
}
