"""Texts of the agenda's demo data (Coburg). Only the seed step (agenda/demo.py) reads them.

Written for the demo; any resemblance to real proposals is intended only in spirit.
"""

FIELDS_OF_ACTION = [
    (
        "gesellschaft-soziales",
        "Gesellschaft & Soziales",
        "Teilhabe für alle: digitale Angebote, die Nachbarschaft, Ehrenamt und Hilfe im Alltag "
        "stärken – und niemanden zurücklassen.",
        "group",
    ),
    (
        "kultur-tourismus",
        "Kultur & Tourismus",
        "Kulturerbe, Veranstaltungen und Gäste: Coburg digital erleben, entdecken und planen.",
        "image",
    ),
    (
        "bildung",
        "Bildung",
        "Lernen in Schule, Bibliothek und Volkshochschule – mit guter Ausstattung und digitaler "
        "Kompetenz für alle Generationen.",
        "doc-full",
    ),
    (
        "wirtschaft-handel",
        "Wirtschaft & Handel",
        "Einzelhandel, Handwerk und Gründungen: Innenstadt und Betriebe fit für die digitale "
        "Zukunft machen.",
        "pick",
    ),
    (
        "mobilitaet-verkehr",
        "Mobilität & Verkehr",
        "Bus, Rad, Parken und Fußwege: besser unterwegs mit Echtzeitdaten und guten Diensten.",
        "site",
    ),
    (
        "gesundheit-pflege",
        "Gesundheit & Pflege",
        "Versorgung, Pflege und Prävention: digitale Hilfen für Patientinnen, Angehörige und "
        "Pflegekräfte.",
        "help",
    ),
    (
        "verwaltung-e-government",
        "Verwaltung & E-Government",
        "Behördengänge online, verständliche Formulare und offene Daten: eine Verwaltung, die "
        "digital erreichbar ist.",
        "form",
    ),
    (
        "umwelt-klima",
        "Umwelt & Klima",
        "Energie, Stadtgrün und Klimaanpassung: Daten und Werkzeuge für eine nachhaltige Stadt.",
        "pick",
    ),
]

AGENDA_INTRO = (
    "Die Agile Digitale Agenda entsteht in kurzen Beteiligungsrunden: Vorschläge sammeln, "
    "diskutieren, abstimmen, auswerten – und die Ergebnisse fließen in die nächste Runde ein. "
    "Jeder Vorschlag bekommt eine Antwort der Steuerungsgruppe."
)

PRINCIPLES = [
    ("heading", {"text": "So arbeiten wir", "level": "h2"}),
    (
        "paragraph",
        "<ul><li><b>Bürgerzentriert:</b> Wer hier lebt, arbeitet oder lernt, kennt den Alltag am "
        "besten.</li><li><b>Agil:</b> kurze Runden statt eines Plans für zehn Jahre; was eine "
        "Runde ergibt, prägt die nächste.</li><li><b>Verbindlich:</b> keine Antwort ist die "
        "schlechteste Antwort – jeder Vorschlag wird beantwortet.</li><li><b>Offen für alle "
        "Wege:</b> Beiträge aus Workshops und Interviews zählen so viel wie Beiträge online."
        "</li></ul>",
    ),
    (
        "quote",
        {
            "quote": "Keine Antwort ist die schlechteste Antwort.",
            "attribution": "Steuerungsgruppe Digitale Agenda",
        },
    ),
]

ROUND_1 = {
    "title": "Runde 1: Digitaler Alltag",
    "slug": "runde-1",
    "intro": (
        "Die erste Runde fragte breit: Wo macht die Digitalisierung Ihren Alltag in Coburg "
        "leichter – und wo fehlt etwas? Die Ergebnisse sind ausgewertet und beantwortet."
    ),
}

ROUND_2 = {
    "title": "Runde 2: Gemeinsam vernetzt",
    "slug": "runde-2",
    "intro": (
        "Die zweite Runde baut auf der ersten auf: Einige Vorschläge wurden übernommen, neue "
        "kamen online und aus Workshops hinzu. Jetzt wird abgestimmt – jede Person hat sieben "
        "Stimmen."
    ),
}

# (field slug, title, description, status, answer)
ROUND_1_PROPOSALS = [
    (
        "verwaltung-e-government",
        "Termine im Bürgerbüro online buchen",
        "Statt in der Warteschlange zu stehen, möchte ich meinen Termin für Ausweis und "
        "Meldebescheinigung online wählen – mit Erinnerung per E-Mail.\n\nDas spart Zeit für "
        "alle, auch für die Mitarbeitenden.",
        "implemented",
        "Umgesetzt: Seit dem Frühjahr lassen sich Termine im Bürgerbüro online buchen. Rund ein "
        "Drittel aller Termine wird inzwischen so vereinbart.",
    ),
    (
        "verwaltung-e-government",
        "Formulare in einfacher Sprache",
        "Viele Formulare der Stadt sind schwer verständlich. Online-Formulare sollten eine "
        "Fassung in einfacher Sprache haben und Schritt für Schritt erklären, was gebraucht "
        "wird.",
        "in_progress",
        "In Umsetzung: Die zehn meistgenutzten Formulare werden bis Jahresende überarbeitet; "
        "die ersten drei sind schon online.",
    ),
    (
        "mobilitaet-verkehr",
        "Echtzeitanzeige für alle Bushaltestellen",
        "An vielen Haltestellen weiß man nicht, ob der Bus schon weg ist. Eine Echtzeitanzeige "
        "in der App und an den wichtigsten Haltestellen würde helfen.",
        "adopted",
        "In die Agenda aufgenommen. Die Stadtwerke statten zunächst die zwanzig meistgenutzten "
        "Haltestellen aus; die Daten stehen auch als offene Daten bereit.",
    ),
    (
        "mobilitaet-verkehr",
        "Freie Parkplätze in den Parkhäusern anzeigen",
        "Eine Karte mit den freien Plätzen in allen Parkhäusern der Innenstadt würde den "
        "Parksuchverkehr verringern.",
        "implemented",
        "Umgesetzt: Die Belegung aller städtischen Parkhäuser ist auf der Website und in der "
        "Stadt-App zu sehen.",
    ),
    (
        "bildung",
        "WLAN in allen Klassenzimmern",
        "In manchen Schulen gibt es WLAN nur im Lehrerzimmer. Digitaler Unterricht braucht "
        "stabiles Netz in jedem Klassenraum.",
        "in_progress",
        "In Umsetzung: Mit Mitteln des Digitalpakts werden bis zum nächsten Schuljahr alle "
        "Grund- und Mittelschulen vollständig ausgeleuchtet.",
    ),
    (
        "bildung",
        "Digitale Sprechstunde für Seniorinnen und Senioren",
        "Einmal pro Woche sollte es in der Stadtbücherei eine offene Sprechstunde geben, in der "
        "Ehrenamtliche bei Smartphone und Tablet helfen.",
        "adopted",
        "Aufgenommen: Die Stadtbücherei startet gemeinsam mit dem Seniorenbeirat eine "
        "wöchentliche Sprechstunde. Ehrenamtliche werden noch gesucht.",
    ),
    (
        "kultur-tourismus",
        "Digitaler Stadtrundgang zur Veste",
        "Ein Audio-Rundgang auf dem Smartphone, der Gäste von der Innenstadt zur Veste führt – "
        "auch auf Englisch.",
        "partially_adopted",
        "Teilweise aufgenommen: Der Rundgang kommt zunächst auf Deutsch; eine englische Fassung "
        "folgt, wenn Fördermittel bewilligt sind.",
    ),
    (
        "kultur-tourismus",
        "Veranstaltungskalender mit offenen Daten",
        "Alle Veranstaltungen der Stadt und der Vereine in einem Kalender, den auch andere "
        "Websites und Apps nutzen können.",
        "adopted",
        "Aufgenommen: Der städtische Veranstaltungskalender wird geöffnet; Vereine können ihre "
        "Termine selbst eintragen.",
    ),
    (
        "wirtschaft-handel",
        "Gemeinsamer Online-Marktplatz für den Einzelhandel",
        "Die Geschäfte der Innenstadt sollten gemeinsam online sichtbar sein – mit Abholung am "
        "selben Tag.",
        "rejected",
        "Abgelehnt: Ein eigener Marktplatz hat sich in vergleichbaren Städten nicht getragen. "
        "Stattdessen unterstützt das Stadtmarketing die Geschäfte dabei, auf bestehenden "
        "Plattformen sichtbar zu werden.",
    ),
    (
        "wirtschaft-handel",
        "Digitale Gründungsberatung",
        "Gründerinnen und Gründer brauchen eine Anlaufstelle, die auch digital erreichbar ist – "
        "mit Videoberatung und Checklisten.",
        "partially_adopted",
        "Teilweise aufgenommen: Die Wirtschaftsförderung bietet Videoberatung an; die "
        "Checklisten entstehen gemeinsam mit der IHK.",
    ),
    (
        "gesundheit-pflege",
        "Freie Pflegeplätze auf einen Blick",
        "Angehörige telefonieren oft tagelang herum. Eine Übersicht über freie Kurzzeit- und "
        "Tagespflegeplätze würde sehr helfen.",
        "in_progress",
        "In Umsetzung: Gemeinsam mit dem Landkreis entsteht eine Pflegeplatzbörse; die Träger "
        "melden ihre freien Plätze wöchentlich.",
    ),
    (
        "gesundheit-pflege",
        "Defibrillatoren auf der Stadtkarte",
        "Wo hängt der nächste Defibrillator? Alle Standorte sollten auf einer Karte stehen.",
        "implemented",
        "Umgesetzt: Alle öffentlich zugänglichen Defibrillatoren sind auf der Stadtkarte "
        "verzeichnet.",
    ),
    (
        "umwelt-klima",
        "Sensoren für Luftqualität an Schulen",
        "Messstationen an Schulen könnten zeigen, wann gelüftet werden muss, und Daten für den "
        "Unterricht liefern.",
        "rejected",
        "Abgelehnt: Die Schulen haben bereits CO₂-Ampeln. Die Messwerte des Umweltamts stehen "
        "künftig als offene Daten für den Unterricht bereit.",
    ),
    (
        "umwelt-klima",
        "Solarkataster für Coburg",
        "Ein Solarkataster zeigt, welches Dach sich für Photovoltaik eignet. So fällt die "
        "Entscheidung leichter.",
        "implemented",
        "Umgesetzt: Das Solarkataster ist online und wurde schon über 4000-mal aufgerufen.",
    ),
    (
        "gesellschaft-soziales",
        "Ehrenamtsbörse online",
        "Vereine suchen Helfende, Menschen wollen helfen – eine Online-Börse bringt beide "
        "zusammen.",
        "adopted",
        "Aufgenommen: Die Ehrenamtsbörse startet gemeinsam mit dem Freiwilligenzentrum.",
    ),
    (
        "gesellschaft-soziales",
        "Kostenlose Tablets für Menschen mit wenig Geld",
        "Wer kein Geld für ein Gerät hat, bleibt digital außen vor. Die Stadt sollte Tablets "
        "verleihen.",
        "partially_adopted",
        "Teilweise aufgenommen: Die Stadtbücherei verleiht ab sofort Tablets mit Datentarif; "
        "eine kostenlose Abgabe ist rechtlich nicht möglich.",
    ),
]

#: Round-1 proposals carried into round 2 (by title), with a note for the history.
CARRIED = [
    "Kostenlose Tablets für Menschen mit wenig Geld",
    "Sensoren für Luftqualität an Schulen",
    "Gemeinsamer Online-Marktplatz für den Einzelhandel",
    "Digitaler Stadtrundgang zur Veste",
]

# (field slug, title, description)
ROUND_2_PROPOSALS = [
    (
        "mobilitaet-verkehr",
        "Radwege-Mängelmelder",
        "Schlaglöcher, Scherben, zugewachsene Schilder: Mängel an Radwegen sollte man mit Foto "
        "und Ort direkt melden können – und sehen, wann sie behoben sind.",
    ),
    (
        "mobilitaet-verkehr",
        "Digitale Anzeige freier Fahrradstellplätze am Bahnhof",
        "Am Bahnhof sind die Fahrradständer morgens voll. Eine Anzeige in der App, wo noch Platz "
        "ist, spart Sucherei.",
    ),
    (
        "mobilitaet-verkehr",
        "Bus-Ticket per Smartphone",
        "Das Busticket sollte man im Smartphone kaufen können, ohne Bargeld und ohne Automat.",
    ),
    (
        "mobilitaet-verkehr",
        "Rufbus für die Stadtteile am Rand",
        "Abends fährt in die äußeren Stadtteile kaum ein Bus. Ein Rufbus, den man per App oder "
        "Telefon bestellt, würde die Lücke schließen.",
    ),
    (
        "mobilitaet-verkehr",
        "Baustellen-Karte mit Umleitungen",
        "Eine aktuelle Karte aller Baustellen mit Dauer und Umleitung – für Auto, Rad und zu Fuß.",
    ),
    (
        "mobilitaet-verkehr",
        "Ampeln mit Restzeit für Fußgänger",
        "An großen Kreuzungen sollten Fußgängerampeln anzeigen, wie lange noch Grün ist. Das "
        "hilft besonders älteren Menschen.",
    ),
    (
        "mobilitaet-verkehr",
        "Carsharing-Stationen in allen Stadtteilen",
        "Carsharing gibt es bisher nur in der Innenstadt. Stationen in den Stadtteilen, buchbar "
        "per App, machen das Zweitauto überflüssig.",
    ),
    (
        "bildung",
        "Leihgeräte für Schülerinnen und Schüler",
        "Nicht jede Familie kann Laptops kaufen. Schulen sollten Geräte für zu Hause verleihen.",
    ),
    (
        "bildung",
        "Programmier-AG in der Stadtbücherei",
        "Ein offener Treff für Kinder und Jugendliche, die programmieren, löten und basteln "
        "wollen – mit Mentorinnen aus Hochschule und Betrieben.",
    ),
    (
        "bildung",
        "Medienkompetenz-Kurse für Eltern",
        "Eltern fragen sich, wie viel Bildschirmzeit gut ist und welche Apps sicher sind. Kurze "
        "Abendkurse an den Schulen würden helfen.",
    ),
    (
        "bildung",
        "Onleihe mit mehr Hörbüchern",
        "Die digitale Ausleihe der Stadtbücherei sollte mehr Hörbücher und Sprachkurse anbieten.",
    ),
    (
        "bildung",
        "Digitale Anmeldung für die Kita",
        "Kita-Plätze sollten Eltern online beantragen können – mit einer Übersicht über freie "
        "Plätze und dem Stand der Anmeldung.",
    ),
    (
        "bildung",
        "WLAN in der Volkshochschule",
        "In den Kursräumen der Volkshochschule gibt es kein Netz für die Teilnehmenden. Für "
        "Sprach- und Computerkurse ist das nötig.",
    ),
    (
        "bildung",
        "Offenes WLAN in der Stadtbücherei ausbauen",
        "Das WLAN der Stadtbücherei ist nachmittags überlastet. Mehr Bandbreite und Steckdosen an "
        "den Arbeitsplätzen wären gut.",
    ),
    (
        "verwaltung-e-government",
        "Wohnsitz online ummelden",
        "Die Ummeldung nach einem Umzug sollte vollständig online gehen, ohne Termin im "
        "Bürgerbüro.",
    ),
    (
        "verwaltung-e-government",
        "Bearbeitungsstand von Anträgen online sehen",
        "Wer einen Antrag stellt, sollte online sehen können, in welchem Schritt er gerade ist – "
        "wie bei einer Paketverfolgung.",
    ),
    (
        "verwaltung-e-government",
        "Offene Daten der Stadt an einem Ort",
        "Haushalt, Verkehrszählungen, Bevölkerung: Alle offenen Daten der Stadt sollten in einem "
        "Portal stehen, maschinenlesbar und mit Lizenz.",
    ),
    (
        "verwaltung-e-government",
        "Stadtratssitzungen im Livestream",
        "Sitzungen des Stadtrats sollten live übertragen und als Video archiviert werden, damit "
        "mehr Menschen verfolgen können, was entschieden wird.",
    ),
    (
        "verwaltung-e-government",
        "Mängelmelder für Straßen und Plätze",
        "Defekte Laternen, wilder Müll, kaputte Bänke: ein Mängelmelder mit Foto und Ort, dessen "
        "Meldungen öffentlich sichtbar sind.",
    ),
    (
        "verwaltung-e-government",
        "Chat-Hilfe auf der Website der Stadt",
        "Viele Fragen wiederholen sich. Eine Chat-Hilfe, die auf die richtigen Seiten verweist "
        "und zu den Öffnungszeiten an Menschen weitergibt, würde Anrufe sparen.",
    ),
    (
        "verwaltung-e-government",
        "Bescheide digital statt per Post",
        "Wer möchte, sollte Bescheide der Stadt ins digitale Postfach bekommen statt auf Papier.",
    ),
    (
        "gesellschaft-soziales",
        "Nachbarschaftsplattform für Coburg",
        "Eine Plattform, auf der Nachbarn sich gegenseitig helfen, Dinge verleihen und lokale "
        "Termine teilen – ohne Werbung und mit Datenschutz.",
    ),
    (
        "gesellschaft-soziales",
        "Digitale Helferinnen und Helfer in den Stadtteiltreffs",
        "In den Stadtteiltreffs sollten feste Ansprechpersonen bei Handy, Online-Banking und "
        "Formularen helfen.",
    ),
    (
        "gesellschaft-soziales",
        "Barrierefreie Website der Stadt",
        "Die Website der Stadt sollte mit Screenreader, großer Schrift und in Leichter Sprache "
        "gut nutzbar sein.",
    ),
    (
        "gesellschaft-soziales",
        "Jugendbeteiligung per App",
        "Jugendliche beteiligen sich eher per App als in Sitzungen. Umfragen und Ideen für "
        "Jugendtreffs und Freizeitangebote sollten dort möglich sein.",
    ),
    (
        "gesellschaft-soziales",
        "Übersicht über Beratungsangebote",
        "Schuldnerberatung, Familienhilfe, Migrationsberatung: Eine Übersicht mit Sprachen, "
        "Zeiten und Online-Terminbuchung würde den Weg erleichtern.",
    ),
    (
        "gesellschaft-soziales",
        "Mehrsprachige Informationen der Stadt",
        "Wichtige Informationen der Stadt sollten auch auf Englisch, Türkisch, Arabisch und "
        "Ukrainisch verfügbar sein.",
    ),
    (
        "kultur-tourismus",
        "Museen digital entdecken",
        "Die Sammlungen der Coburger Museen sollten online zu sehen sein, mit Bildern in guter "
        "Auflösung und freien Lizenzen.",
    ),
    (
        "kultur-tourismus",
        "Kulturticket online für alle Häuser",
        "Ein gemeinsamer Ticketshop für Landestheater, Museen und Konzerte, mit "
        "Ermäßigungen für Schülerinnen und Studierende.",
    ),
    (
        "kultur-tourismus",
        "Stadtgeschichte per QR-Code an Gebäuden",
        "An historischen Gebäuden könnten QR-Codes auf kurze Texte, Bilder und Erinnerungen aus "
        "dem Stadtgedächtnis führen.",
    ),
    (
        "kultur-tourismus",
        "Freies WLAN auf dem Marktplatz",
        "Gäste und Einheimische sollten auf dem Marktplatz und am Schlossplatz kostenloses WLAN "
        "nutzen können.",
    ),
    (
        "kultur-tourismus",
        "Samba-Festival-App mit Lageplan",
        "Beim Samba-Festival verliert man sich leicht. Eine App mit Bühnenplan, Programm, "
        "Toiletten und Erster Hilfe wäre hilfreich.",
    ),
    (
        "kultur-tourismus",
        "Barrierefreie Wege für Gäste",
        "Eine Karte mit barrierefreien Wegen, Rampen und Toiletten in der Altstadt hilft Gästen "
        "mit Rollstuhl oder Kinderwagen.",
    ),
    (
        "wirtschaft-handel",
        "Innenstadt-Gutschein digital",
        "Der Coburger Einkaufsgutschein sollte auch digital funktionieren, zum Verschenken per "
        "E-Mail und Einlösen im Laden.",
    ),
    (
        "wirtschaft-handel",
        "Leerstände online zeigen",
        "Eine Karte freier Ladenflächen mit Größe und Miete könnte Gründerinnen und Pop-up-Läden "
        "in die Innenstadt holen.",
    ),
    (
        "wirtschaft-handel",
        "Coworking-Space in der Innenstadt",
        "Ein Coworking-Space mit schnellem Internet für Selbstständige, Pendelnde und "
        "Studierende würde die Innenstadt beleben.",
    ),
    (
        "wirtschaft-handel",
        "Glasfaser für Gewerbegebiete",
        "Betriebe in den Gewerbegebieten brauchen Glasfaser. Die Stadt sollte den Ausbau "
        "koordinieren und Fördermittel bündeln.",
    ),
    (
        "wirtschaft-handel",
        "Digitale Sprechstunde der Wirtschaftsförderung",
        "Handwerksbetriebe haben tagsüber kaum Zeit. Eine Videosprechstunde am frühen Abend "
        "wäre praktisch.",
    ),
    (
        "gesundheit-pflege",
        "Notdienst-Apotheken in der Stadt-App",
        "Welche Apotheke hat heute Notdienst? Das sollte die Stadt-App auf einen Blick zeigen.",
    ),
    (
        "gesundheit-pflege",
        "Videosprechstunde für Pflegeberatung",
        "Pflegende Angehörige können oft nicht weg. Die Pflegeberatung sollte auch per Video "
        "möglich sein.",
    ),
    (
        "gesundheit-pflege",
        "Hausnotruf und Sensoren für ein sicheres Zuhause",
        "Sturzsensoren und Hausnotruf helfen älteren Menschen, länger zu Hause zu leben. Die "
        "Stadt könnte beraten und Geräte zum Ausprobieren verleihen.",
    ),
    (
        "gesundheit-pflege",
        "Übersicht über Arztpraxen mit freien Plätzen",
        "Wer neu nach Coburg zieht, findet schwer eine Hausarztpraxis. Eine Übersicht, wer neue "
        "Patientinnen aufnimmt, wäre hilfreich.",
    ),
    (
        "gesundheit-pflege",
        "Digitale Selbsthilfegruppen",
        "Selbsthilfegruppen sollten sich auch online treffen können, mit einem sicheren, "
        "kostenlosen Videodienst der Stadt.",
    ),
    (
        "umwelt-klima",
        "Baumpatenschaften online",
        "Bürgerinnen und Bürger könnten über eine Karte Patenschaften für Stadtbäume übernehmen "
        "und melden, wenn ein Baum Wasser braucht.",
    ),
    (
        "umwelt-klima",
        "Hitzekarte mit kühlen Orten",
        "Im Sommer sollte eine Karte zeigen, wo es kühle Orte, Trinkbrunnen und schattige Bänke "
        "gibt.",
    ),
    (
        "umwelt-klima",
        "Energieverbrauch städtischer Gebäude offenlegen",
        "Der Energieverbrauch von Schulen, Rathaus und Hallen sollte monatlich veröffentlicht "
        "werden, damit Einsparungen sichtbar werden.",
    ),
    (
        "umwelt-klima",
        "Müllabfuhr-Kalender mit Erinnerung",
        "Der Abfuhrkalender sollte in der App an die Tonne erinnern – für jede Straße passend.",
    ),
    (
        "umwelt-klima",
        "Pegelstände von Itz und Lauter in Echtzeit",
        "Bei Starkregen wollen Anwohnende wissen, wie hoch Itz und Lauter stehen. Die Messwerte "
        "sollten live online sein.",
    ),
    (
        "umwelt-klima",
        "Reparaturcafé-Karte",
        "Wo kann ich etwas reparieren lassen? Eine Karte mit Reparaturcafés und Werkstätten hilft, "
        "Müll zu vermeiden.",
    ),
    (
        "umwelt-klima",
        "Sensoren für Bodenfeuchte in Parks",
        "Sensoren könnten zeigen, wann Parks und Straßenbäume wirklich Wasser brauchen. Das spart "
        "Wasser und Arbeit.",
    ),
]

# (source name, kind, days before now, participants, [(field slug, title, description)])
OFFLINE_SOURCES = [
    (
        "Workshop Digitale Schule, Gymnasium Ernestinum",
        "workshop",
        20,
        24,
        [
            (
                "bildung",
                "Eine Lernplattform für alle Coburger Schulen",
                "Schülerinnen und Lehrkräfte wünschen sich eine gemeinsame Lernplattform statt "
                "vieler verschiedener Lösungen – mit Datenschutz und Support aus der Stadt.",
            ),
            (
                "bildung",
                "Digitale Tafeln mit Schulung",
                "Digitale Tafeln helfen nur, wenn Lehrkräfte geschult werden. Zu jedem Gerät "
                "gehört eine Einweisung.",
            ),
            (
                "mobilitaet-verkehr",
                "Sichere Schulwege auf der Karte",
                "Eine Karte sicherer Schulwege mit Querungshilfen und Lotsenstellen, erstellt "
                "mit den Kindern.",
            ),
        ],
    ),
    (
        "Workshop im Seniorenbeirat",
        "workshop",
        18,
        16,
        [
            (
                "gesellschaft-soziales",
                "Telefon-Hotline für digitale Fragen",
                "Nicht jede Frage lässt sich online klären. Eine Telefonnummer, unter der "
                "geduldig bei digitalen Fragen geholfen wird, wünschen sich viele Ältere.",
            ),
            (
                "verwaltung-e-government",
                "Papierformulare weiter anbieten",
                "Digitale Angebote sind gut, aber Papierformulare müssen bleiben, damit niemand "
                "ausgeschlossen wird.",
            ),
        ],
    ),
    (
        "Interviews mit Einzelhändlerinnen in der Spitalgasse",
        "interview",
        16,
        9,
        [
            (
                "wirtschaft-handel",
                "Schulungen zu Social Media für kleine Geschäfte",
                "Kleine Läden wünschen sich praktische Kurse, wie sie mit wenig Aufwand online "
                "sichtbar werden.",
            ),
        ],
    ),
]

COMMENTS = [
    "Sehr gute Idee! Das würde ich sofort nutzen.",
    "Wichtig wäre, dass es auch ohne Smartphone funktioniert.",
    "In Bamberg gibt es so etwas schon – vielleicht kann man sich das anschauen.",
    "Bitte an den Datenschutz denken.",
    "Das fehlt wirklich. Gerade für Familien wäre es eine große Erleichterung.",
    "Ich bin skeptisch, ob sich das lohnt. Was würde es kosten?",
    "Unbedingt barrierefrei umsetzen!",
    "Gute Sache, aber bitte auch die Stadtteile nicht vergessen.",
]

REPLIES = [
    "Stimmt, das sollte man gleich mitdenken.",
    "Danke für den Hinweis, das hatte ich nicht bedacht.",
    "Vielleicht kann man es erst in einem Stadtteil ausprobieren.",
    "Sehe ich genauso.",
]

RESIDENT_NAMES = [
    "Lena B.",
    "Jonas M.",
    "Sophie K.",
    "Mehmet Y.",
    "Hannah W.",
    "Paul S.",
    "Marie F.",
    "Lukas H.",
    "Emilia R.",
    "Felix Z.",
    "Olena P.",
    "Karl-Heinz D.",
    "Aylin T.",
    "Thomas G.",
    "Ingrid L.",
    "Ben N.",
    "Fatima A.",
    "Gerda E.",
    "Niklas V.",
    "Clara J.",
]
