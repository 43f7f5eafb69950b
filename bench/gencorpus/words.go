package main

// The word lists below feed the text generator. They are German words of
// administrative prose, so the generated text has realistic word lengths,
// umlauts and compound nouns for the Markdown parser, the minifier and the
// search analyser to chew on. The sentences they form are not meant to be
// read.

// nouns are capitalised nouns used in sentences and compound titles.
var nouns = []string{
	"Antrag", "Bescheid", "Behörde", "Verwaltung", "Gemeinde", "Kreis", "Bürger",
	"Bürgerin", "Unterlage", "Nachweis", "Frist", "Gebühr", "Auskunft", "Ausweis",
	"Genehmigung", "Erlaubnis", "Anmeldung", "Abmeldung", "Bescheinigung", "Urkunde",
	"Wohnsitz", "Grundstück", "Gebäude", "Fahrzeug", "Kennzeichen", "Führerschein",
	"Gewerbe", "Betrieb", "Steuer", "Abgabe", "Zuständigkeit", "Sachbearbeitung",
	"Termin", "Vollmacht", "Unterschrift", "Zahlung", "Überweisung", "Einzugsermächtigung",
	"Widerspruch", "Klage", "Verordnung", "Satzung", "Gesetz", "Vorschrift", "Prüfung",
	"Entscheidung", "Mitteilung", "Änderung", "Verlängerung", "Beratung", "Sprechzeit",
	"Öffnungszeit", "Rathaus", "Bürgerbüro", "Kreishaus", "Standesamt", "Friedhof",
	"Grabstätte", "Hund", "Hundehaltung", "Abfall", "Sperrmüll", "Wertstoff", "Biotonne",
	"Straße", "Gehweg", "Sondernutzung", "Veranstaltung", "Markt", "Spielplatz",
	"Kindertagesstätte", "Betreuungsplatz", "Schule", "Schülerbeförderung", "Wohngeld",
	"Zuschuss", "Förderung", "Leistung", "Einkommen", "Haushalt", "Mitglied",
	"Angehörige", "Erbe", "Nachlass", "Geburt", "Eheschließung", "Lebenspartnerschaft",
	"Sterbefall", "Namensänderung", "Staatsangehörigkeit", "Aufenthalt", "Einbürgerung",
	"Bauvorhaben", "Bauantrag", "Bebauungsplan", "Denkmal", "Baulast", "Abwasser",
	"Trinkwasser", "Brunnen", "Baum", "Fällung", "Feuerwehr", "Brandschau", "Fundsache",
	"Waffe", "Jagdschein", "Fischereischein", "Parkausweis", "Halteverbot", "Baustelle",
	"Anlieger", "Beitrag", "Erschließung", "Vermessung", "Kataster", "Grundsteuer",
	"Zweitwohnung", "Vergnügungsteuer", "Spielgerät", "Gaststätte", "Ausschank",
	"Sperrzeit", "Lärmschutz", "Umwelt", "Naturschutz", "Gewässer", "Deich",
	"Landwirtschaft", "Tierhaltung", "Seuche", "Impfung", "Gesundheit", "Pflege",
	"Schwerbehinderung", "Teilhabe", "Eingliederung", "Jugendhilfe", "Vormundschaft",
	"Unterhalt", "Beistandschaft", "Elterngeld", "Kindergeld", "Rente", "Versicherung",
	"Meldebehörde", "Melderegister", "Wahl", "Briefwahl", "Wahlschein", "Ehrenamt",
	"Verein", "Spende", "Sammlung", "Lotterie", "Feuerwerk", "Kampfmittel",
}

// adjectives are inflected adjectives that fit before a noun.
var adjectives = []string{
	"zuständige", "schriftliche", "mündliche", "vollständige", "gültige", "amtliche",
	"beglaubigte", "einfache", "erweiterte", "vorläufige", "endgültige", "örtliche",
	"kommunale", "erforderliche", "zusätzliche", "aktuelle", "bisherige", "neue",
	"persönliche", "elektronische", "gebührenpflichtige", "gebührenfreie", "zulässige",
	"besondere", "allgemeine", "jährliche", "monatliche", "rechtzeitige", "formlose",
	"öffentliche", "private", "gewerbliche", "landwirtschaftliche", "barrierefreie",
	"nächste", "übliche", "betroffene", "beteiligte", "untere", "obere",
}

// verbs are verbs in the third person plural or the polite form, which
// agree with "Sie" and with plural subjects.
var verbs = []string{
	"beantragen", "erhalten", "prüfen", "benötigen", "reichen", "legen", "zahlen",
	"melden", "stellen", "senden", "bestätigen", "vereinbaren", "beachten", "nennen",
	"vorlegen", "ausfüllen", "unterschreiben", "erteilen", "verlängern", "ändern",
	"entscheiden", "informieren", "unterstützen", "bearbeiten", "übermitteln",
	"nachreichen", "anfordern", "einreichen", "mitbringen", "abholen",
}

// prepositions take the dative article "der" in the sentence patterns.
var prepositions = []string{
	"bei", "mit", "nach", "von", "zu", "aus", "seit", "gegenüber",
}

// adverbs are adverbs and adverbial phrases that fit into a sentence.
var adverbs = []string{
	"in der Regel", "grundsätzlich", "rechtzeitig", "persönlich", "schriftlich",
	"online", "vorab", "zusätzlich", "ausnahmsweise", "unverzüglich", "jederzeit",
	"innerhalb eines Monats", "vor Ort", "auf Antrag", "kostenfrei", "im Einzelfall",
	"spätestens zwei Wochen vorher", "nach Terminvereinbarung", "während der Sprechzeiten",
}

// verbStems are verbs in the infinitive that end a service title, such as
// "Hundesteuer anmelden".
var verbStems = []string{
	"beantragen", "anmelden", "abmelden", "ummelden", "verlängern", "ändern",
	"anzeigen", "melden", "erteilen", "ausstellen", "bescheinigen", "genehmigen",
	"prüfen", "erstatten", "übertragen", "einsehen", "zurückgeben", "ersetzen",
}

// compoundHeads are first parts of compound nouns; compoundTails are the
// second parts. Joined they make titles such as "Friedhofsgebühren".
var compoundHeads = []string{
	"Friedhofs", "Straßen", "Hunde", "Gewerbe", "Bau", "Wohn", "Abfall", "Wasser",
	"Feuerwehr", "Schul", "Kinder", "Jugend", "Sport", "Kultur", "Markt", "Park",
	"Grab", "Grund", "Wege", "Kanal", "Vereins", "Ehrenamts", "Senioren", "Familien",
	"Gaststätten", "Spiel", "Fahrrad", "Tier", "Garten", "Brunnen", "Deich",
	"Sondernutzungs", "Anlieger", "Erschließungs", "Ausbau", "Verkehrs", "Heimat",
	"Dorf", "Ortschafts", "Stadtteil", "Feld", "Wald", "Moor", "Energie", "Solar",
	"Wärme", "Schornstein", "Plakat", "Sammel", "Nutzungs",
}

var compoundTails = []string{
	"gebühr", "satzung", "genehmigung", "erlaubnis", "bescheinigung", "zuschuss",
	"förderung", "beitrag", "steuer", "anmeldung", "nutzung", "reinigung", "platz",
	"ausweis", "karte", "vertrag", "antrag", "register", "auskunft", "beratung",
	"pflege", "aufsicht", "meldung", "erstattung", "vergabe", "freigabe", "pacht",
	"miete", "prüfung", "konzept",
}

// firstNames and lastNames make the fictional people of the legal pages.
var firstNames = []string{
	"Anna", "Bernd", "Christa", "Dieter", "Elke", "Frank", "Gesine", "Heinz",
	"Ingrid", "Jürgen", "Karin", "Lothar", "Monika", "Norbert", "Petra", "Reinhard",
	"Sabine", "Thomas", "Ute", "Volker", "Wiebke",
}

var lastNames = []string{
	"Albers", "Brinkmann", "Deters", "Evers", "Gerdes", "Hackmann", "Jansen",
	"Kröger", "Lammers", "Meyer", "Niehaus", "Ostermann", "Pohlmann", "Rolfes",
	"Schulte", "Tieben", "Wessels", "Wilkens", "Többen", "Hüsing",
}

// officeNames are offices a commune has, the first being the office that
// handles offered services. countyOfficeNames are the county's.
var officeNames = []string{
	"Bürgerbüro", "Standesamt", "Ordnungsamt", "Bauamt", "Steueramt", "Kämmerei",
	"Friedhofsverwaltung", "Sozialamt", "Amt für Familie und Bildung", "Wahlamt",
	"Liegenschaftsamt", "Tiefbauamt", "Amt für Stadtentwicklung", "Gewerbeamt",
	"Touristinformation", "Bauhof", "Feuerwehrhaus", "Seniorenbüro", "Kulturamt",
	"Gleichstellungsbüro",
}

var countyOfficeNames = []string{
	"Bürgerservice im Kreishaus", "Straßenverkehrsamt", "Zulassungsstelle",
	"Führerscheinstelle", "Gesundheitsamt", "Jugendamt", "Sozialamt",
	"Bauaufsicht", "Veterinäramt", "Ausländerbehörde", "Untere Naturschutzbehörde",
	"Untere Wasserbehörde", "Abfallwirtschaft", "Jobcenter-Verbindungsstelle",
	"Schulamt", "Katasteramt", "Waffenbehörde", "Jagdbehörde", "Kreisarchiv",
	"Betreuungsstelle",
}

// freePageTitles are the free pages a portal may have.
var freePageTitles = []string{
	"Notdienste", "Stellenangebote", "Ortsrecht", "Wahlen", "Partnerschaften",
	"Pressemitteilungen", "Veranstaltungskalender", "Ehrenamt", "Kontakt",
	"Politik und Rat", "Geschichte", "Wirtschaftsförderung",
}

// laws are abbreviations of German statutes for the legal-bases part.
var laws = []string{
	"BMG", "PAuswG", "PassG", "StVG", "FZV", "FeV", "GewO", "NBauO", "NKomVG",
	"NKAG", "BGB", "PStG", "SGB II", "SGB VIII", "SGB IX", "SGB XII", "WoGG",
	"BEEG", "VwVfG", "VwGO", "NVwVfG", "KrWG", "NWG", "BNatSchG", "WaffG",
	"BJagdG", "IfSG", "TierSchG", "GastG", "NGG",
}

// streets are street names for the addresses of offices.
var streets = []string{
	"Rathausplatz", "Marktstraße", "Kirchstraße", "Bahnhofstraße", "Am Markt",
	"Hauptstraße", "Schulstraße", "Lindenallee", "Mühlenweg", "Poststraße",
	"Ordeniederung", "Am Wall", "Burgstraße", "Emsstraße", "Hasestraße",
	"Gartenstraße", "Zum Sportplatz", "Kolpingstraße", "Ringstraße", "Wiesenweg",
}

// colours are header colours with a contrast ratio of at least 4.5:1
// against white text.
var colours = []string{
	"#1d4f7c", "#7a1f2b", "#2e5e3a", "#5a2d6e", "#8a4500", "#234e52",
	"#4a3b2a", "#6b2f4a", "#1f3f6e", "#3d5220",
}
