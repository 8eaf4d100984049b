"""What the accounts domain says to users, in German and English.

Imported by the package itself (`__init__`), so any function that loads a module of this domain
answers in its words: Lambda loads one handler per sandbox, and no other domain registers them.
"""

from __future__ import annotations

from shared import i18n
from shared.i18n import Catalogue

MESSAGES: Catalogue = {
    "registration.accepted": {
        "de": "Vielen Dank. Bitte prüfen Sie Ihr Postfach: Wir haben Ihnen eine E-Mail geschickt.",
        "en": "Thank you. Please check your inbox: we have sent you an e-mail.",
    },
    "password.reset_requested": {
        "de": "Wenn ein Konto zu dieser Adresse besteht, haben wir Ihnen einen Link geschickt.",
        "en": "If an account exists for this address, we have sent you a link.",
    },
    "link.invalid": {
        "de": "Dieser Link ist ungültig, abgelaufen oder wurde bereits verwendet. Bitte fordern Sie einen neuen an.",
        "en": "This link is invalid, has expired or was already used. Please request a new one.",
    },
    "account.exists": {
        "de": "Zu dieser E-Mail-Adresse besteht bereits ein Konto.",
        "en": "An account already exists for this e-mail address.",
    },
    "auth.credentials_wrong": {
        "de": "E-Mail-Adresse oder Passwort ist falsch.",
        "en": "E-mail address or password is wrong.",
    },
    "auth.current_password_wrong": {
        "de": "Das aktuelle Passwort ist falsch.",
        "en": "The current password is wrong.",
    },
    "field.password_weak": {
        "de": "Das Passwort braucht mindestens 10 Zeichen, Groß- und Kleinbuchstaben und eine Ziffer.",
        "en": "The password needs at least 10 characters, upper and lower case letters and a digit.",
    },
    "account.email_same": {
        "de": "Das ist bereits Ihre E-Mail-Adresse.",
        "en": "This is your e-mail address already.",
    },
    "field.confirm_required": {
        "de": "Bitte bestätigen Sie, dass Ihr Konto endgültig gelöscht werden soll.",
        "en": "Please confirm that your account is to be deleted for good.",
    },
    "account.reauthentication_required": {
        "de": "Bitte bestätigen Sie mit Ihrem Passwort (bei Anmeldung über Google oder Facebook: melden Sie "
        "sich erneut an und versuchen Sie es innerhalb von 10 Minuten).",
        "en": "Please confirm with your password (signed in with Google or Facebook: sign in again and try "
        "within 10 minutes).",
    },
    "organisation.hand_over_first": {
        "de": "Sie sind der einzige Administrator Ihrer Organisation. Bitte ernennen Sie zuerst ein anderes "
        "Mitglied zum Administrator.",
        "en": "You are the only admin of your organisation. Please make another member an admin first.",
    },
    "organisation.hand_over_first_agent": {
        "de": "Die Person ist die einzige Administratorin bzw. der einzige Administrator ihrer Organisation, "
        "die weitere Mitglieder hat. Ein anderes Mitglied muss zuerst Administrator werden.",
        "en": "The person is the only admin of an organisation with other members. Another member must "
        "become an admin first.",
    },
    "export.not_found": {
        "de": "Dieser Datenexport wurde nicht gefunden.",
        "en": "This data export was not found.",
    },
    "erasure.not_found": {
        "de": "Dieser Löschauftrag wurde nicht gefunden.",
        "en": "This erasure was not found.",
    },
    "account.email_change_sent": {
        "de": "Bitte öffnen Sie den Link, den wir an die neue Adresse geschickt haben. Bis dahin bleibt "
        "alles, wie es ist.",
        "en": "Please open the link we sent to the new address. Until then nothing changes.",
    },
    "account.profile_complete": {
        "de": "Ihr Profil ist bereits vollständig.",
        "en": "Your profile is complete already.",
    },
    "account.not_federated": {
        "de": "Nur nach der ersten Anmeldung mit Google oder Facebook ist ein Profil zu vervollständigen.",
        "en": "A profile is completed only after a first sign-in with Google or Facebook.",
    },
    "account.email_unverified": {
        "de": "Ihr Anbieter hat die E-Mail-Adresse nicht bestätigt. Bitte registrieren Sie sich mit "
        "E-Mail-Adresse und Passwort.",
        "en": "Your provider has not verified the e-mail address. Please register with e-mail address "
        "and password.",
    },
    "organisation.licence_exceeded": {
        "de": "Die Lizenz umfasst {count} Behandler-Kalender, eingerichtet sind {in_use}. Die eingerichteten "
        "Kalender benachrichtigen weiter; einen neuen können Sie erst anlegen, wenn Sie Kalender löschen "
        "oder die Lizenz erweitern.",
        "en": {
            "one": "The licence covers {count} practitioner calendar; {in_use} are set up. The calendars set "
            "up keep notifying; you can add a new one once you delete calendars or extend the licence.",
            "other": "The licence covers {count} practitioner calendars; {in_use} are set up. The calendars "
            "set up keep notifying; you can add a new one once you delete calendars or extend the licence.",
        },
    },
    "organisation.not_found": {
        "de": "Die Organisation wurde nicht gefunden.",
        "en": "The organisation was not found.",
    },
    "organisation.member_not_found": {
        "de": "Dieses Mitglied gehört nicht zur Organisation.",
        "en": "This member does not belong to the organisation.",
    },
    "organisation.admins_only": {
        "de": "Nur Administratoren der Organisation dürfen das.",
        "en": "Only the organisation's admins may do this.",
    },
    "organisation.already_member": {
        "de": "Sie gehören bereits zu dieser Organisation.",
        "en": "You already belong to this organisation.",
    },
    "organisation.member_elsewhere": {
        "de": "Sie gehören bereits zu einer anderen Organisation. Bitte verlassen Sie diese zuerst.",
        "en": "You already belong to another organisation. Please leave it first.",
    },
    "organisation.last_admin": {
        "de": "Eine Organisation braucht mindestens einen Administrator.",
        "en": "An organisation needs at least one admin.",
    },
    "invitation.not_found": {
        "de": "Die Einladung wurde nicht gefunden.",
        "en": "The invitation was not found.",
    },
    "invitation.other_address": {
        "de": "Diese Einladung wurde an eine andere E-Mail-Adresse geschickt.",
        "en": "This invitation was sent to another e-mail address.",
    },
}

i18n.register(MESSAGES)
