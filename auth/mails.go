package auth

import "fmt"

// The texts of the service's e-mails. Links open a page with a button,
// so a mail scanner that fetches the link changes nothing.

func mailRegister(federation, link string) string {
	return fmt.Sprintf(`Guten Tag,

Sie möchten ein Bürgerkonto für %s einrichten. Bitte öffnen Sie
innerhalb von 10 Minuten diesen Link und legen Sie Ihr Passwort fest:

%s

Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren. Ohne den
Link entsteht kein Konto.
`, federation, link)
}

func mailAlreadyRegistered(federation, forgotLink string) string {
	return fmt.Sprintf(`Guten Tag,

jemand wollte mit dieser E-Mail-Adresse ein Bürgerkonto für %s
einrichten. Für diese Adresse gibt es aber schon ein Konto.

Wenn Sie Ihr Passwort vergessen haben, setzen Sie es hier zurück:

%s

Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.
`, federation, forgotLink)
}

func mailReset(federation, link string) string {
	return fmt.Sprintf(`Guten Tag,

Sie möchten das Passwort Ihres Bürgerkontos für %s neu setzen.
Bitte öffnen Sie innerhalb von 10 Minuten diesen Link:

%s

Wenn Sie das nicht waren, ignorieren Sie diese E-Mail. Ihr Passwort
bleibt dann unverändert.
`, federation, link)
}

func mailNoAccount(federation, registerLink string) string {
	return fmt.Sprintf(`Guten Tag,

jemand wollte das Passwort eines Bürgerkontos für %s mit dieser
E-Mail-Adresse neu setzen. Für diese Adresse gibt es aber kein Konto.

Ein Konto können Sie hier einrichten:

%s

Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.
`, federation, registerLink)
}

func mailEmailChange(federation, link string) string {
	return fmt.Sprintf(`Guten Tag,

Sie möchten diese E-Mail-Adresse für Ihr Bürgerkonto für %s verwenden.
Bitte bestätigen Sie das innerhalb von 10 Minuten über diesen Link:

%s

Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.
`, federation, link)
}

func mailEmailTaken(federation string) string {
	return fmt.Sprintf(`Guten Tag,

jemand wollte diese E-Mail-Adresse für ein Bürgerkonto für %s
eintragen. Für diese Adresse gibt es schon ein Konto, daher wurde
nichts geändert.

Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.
`, federation)
}

func mailEmailChanged(federation, newAddress string) string {
	return fmt.Sprintf(`Guten Tag,

die E-Mail-Adresse Ihres Bürgerkontos für %s wurde geändert auf:

%s

Wenn Sie das nicht waren, wenden Sie sich bitte an Ihre Verwaltung.
`, federation, newAddress)
}

func mailPasswordChanged(federation string) string {
	return fmt.Sprintf(`Guten Tag,

das Passwort Ihres Bürgerkontos für %s wurde geändert.

Wenn Sie das nicht waren, setzen Sie Ihr Passwort bitte sofort über
"Passwort vergessen" neu und wenden Sie sich an Ihre Verwaltung.
`, federation)
}

func mailAccountDeleted(federation string) string {
	return fmt.Sprintf(`Guten Tag,

Ihr Bürgerkonto für %s und die dazu gespeicherten Daten wurden
gelöscht.
`, federation)
}

// mailNewMessage announces a message without its subject or content: a
// mail can be read by more people than the account's owner.
func mailNewMessage(federation, sender, mailboxLink string) string {
	return fmt.Sprintf(`Guten Tag,

%s hat Ihnen eine neue Nachricht in Ihr Bürgerkonto für %s
gelegt. Sie können sie nach der Anmeldung in Ihrem Postfach lesen:

%s

Diese E-Mail enthält absichtlich keinen Inhalt der Nachricht.
`, sender, federation, mailboxLink)
}
