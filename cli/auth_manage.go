package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/verbund/verbund/auth"
)

// storeFlags are the flags every management subcommand of auth needs to
// find the federation and the store.
type storeFlags struct {
	config, data, database *string
}

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		config:   fs.String("config", "sites.toml", "path of the federation's `sites.toml`"),
		data:     fs.String("data", "", "data `folder` of the account service"),
		database: fs.String("database", "", "PostgreSQL connection `string` (postgres://... URL or key=value pairs) instead of SQLite in -data"),
	}
}

func (f storeFlags) open(ctx context.Context, e *env, fs *flag.FlagSet) (*auth.Manager, error) {
	if *f.data == "" {
		fmt.Fprintln(fs.Output(), "missing -data: the data folder of the account service")
		fs.Usage()
		return nil, errUsage
	}
	return auth.OpenManager(ctx, auth.Options{ConfigPath: *f.config, DataDir: *f.data,
		DatabaseURL: *f.database, Logger: e.log})
}

// stringList is a flag that may be given more than once.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, " ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func runAuthClients(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "Usage: verbund auth clients add|list|remove [flags]")
		return errUsage
	}
	switch args[0] {
	case "add":
		return runClientsAdd(ctx, e, args[1:])
	case "list":
		return runClientsList(ctx, e, args[1:])
	case "remove":
		return runClientsRemove(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "verbund auth clients: unknown subcommand %q, want add, list or remove\n", args[0])
	return errUsage
}

func runClientsAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth clients add",
		"auth clients add -data folder -site ID -name NAME -redirect-uri URL [-redirect-uri URL ...]")
	sf := addStoreFlags(fs)
	site := fs.String("site", "", "`ID` of the commune in sites.toml that runs the online service")
	name := fs.String("name", "", "`name` of the online service, shown to citizens at their first login")
	var uris stringList
	fs.Var(&uris, "redirect-uri", "callback `URL` of the online service, exactly as it sends it; repeatable")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := sf.open(ctx, e, fs)
	if err != nil {
		return err
	}
	defer m.Close()
	c, secret, err := m.AddClient(ctx, auth.ClientSpec{Site: *site, Name: *name, RedirectURIs: uris})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "client_id:     %s\nclient_secret: %s\n", c.ID, secret)
	fmt.Fprintln(e.stdout, "\nThe secret is shown only now. Store it in the online service's configuration.")
	return nil
}

func runClientsList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth clients list", "auth clients list -data folder [-site ID]")
	sf := addStoreFlags(fs)
	site := fs.String("site", "", "list only the online services of this commune `ID`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := sf.open(ctx, e, fs)
	if err != nil {
		return err
	}
	defer m.Close()
	list, err := m.ListClients(ctx, *site)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT ID\tSITE\tNAME\tCREATED\tREDIRECT URIS")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Site, c.Name,
			c.CreatedAt.Format("2006-01-02 15:04"), strings.Join(c.RedirectURIs, " "))
	}
	return tw.Flush()
}

func runClientsRemove(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth clients remove", "auth clients remove -data folder CLIENT_ID")
	sf := addStoreFlags(fs)
	id, err := parseOneArg(fs, args, "CLIENT_ID")
	if err != nil {
		return err
	}
	m, err := sf.open(ctx, e, fs)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.RemoveClient(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed client %s\n", id)
	return nil
}

func runAuthCredentials(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "Usage: verbund auth credentials create|list|revoke [flags]")
		return errUsage
	}
	switch args[0] {
	case "create":
		return runCredentialsCreate(ctx, e, args[1:])
	case "list":
		return runCredentialsList(ctx, e, args[1:])
	case "revoke":
		return runCredentialsRevoke(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "verbund auth credentials: unknown subcommand %q, want create, list or revoke\n", args[0])
	return errUsage
}

func runCredentialsCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth credentials create", "auth credentials create -data folder -site ID [-name NAME]")
	sf := addStoreFlags(fs)
	site := fs.String("site", "", "`ID` of the commune in sites.toml whose messages the credential sends")
	name := fs.String("name", "", "`description` of who uses the credential, such as a specialist procedure")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := sf.open(ctx, e, fs)
	if err != nil {
		return err
	}
	defer m.Close()
	c, token, err := m.CreateCredential(ctx, *site, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "id:    %s\nsite:  %s\ntoken: %s\n", c.ID, c.Site, token)
	fmt.Fprintln(e.stdout, "\nThe token is shown only now. Send it as \"Authorization: Bearer <token>\".")
	return nil
}

func runCredentialsList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth credentials list", "auth credentials list -data folder [-site ID]")
	sf := addStoreFlags(fs)
	site := fs.String("site", "", "list only the credentials of this commune `ID`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := sf.open(ctx, e, fs)
	if err != nil {
		return err
	}
	defer m.Close()
	list, err := m.ListCredentials(ctx, *site)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSITE\tNAME\tCREATED\tREVOKED")
	for _, c := range list {
		revoked := "-"
		if !c.RevokedAt.IsZero() {
			revoked = c.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Site, c.Name,
			c.CreatedAt.Format("2006-01-02 15:04"), revoked)
	}
	return tw.Flush()
}

func runCredentialsRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "auth credentials revoke", "auth credentials revoke -data folder ID")
	sf := addStoreFlags(fs)
	id, err := parseOneArg(fs, args, "ID")
	if err != nil {
		return err
	}
	m, err := sf.open(ctx, e, fs)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.RevokeCredential(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "revoked credential %s\n", id)
	return nil
}

// parseOneArg parses flags and exactly one positional argument, which
// may come before or after the flags.
func parseOneArg(fs *flag.FlagSet, args []string, name string) (string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", flagError(err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		fmt.Fprintf(fs.Output(), "want exactly one %s\n", name)
		fs.Usage()
		return "", errUsage
	}
	return positional[0], nil
}
