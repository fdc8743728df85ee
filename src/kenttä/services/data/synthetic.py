"""Synthetic people, companies and texts for the demo and for seeding.

Every henkilötunnus made here has an individual number 900–999 (temporary or test codes, never
a real person's); every Y-tunnus has a correct check digit. Names are common Finnish names;
note texts are what a coach might write after a meeting.
"""

from __future__ import annotations

import random
from datetime import date

from kenttä.domain.identifiers import CHECK_CHARACTERS

FIRST_NAMES_F = (
    "Aino", "Anna", "Anne", "Eeva", "Elina", "Hanna", "Heidi", "Helena", "Jaana", "Johanna",
    "Katja", "Kirsi", "Laura", "Leena", "Maria", "Marjo", "Minna", "Niina", "Päivi", "Riikka",
    "Sanna", "Satu", "Susanna", "Tiina", "Tuula", "Ulla", "Sari", "Merja", "Jenni", "Säde",
)  # fmt: skip
FIRST_NAMES_M = (
    "Antti", "Ari", "Eero", "Esa", "Harri", "Heikki", "Jari", "Jukka", "Juha", "Jussi",
    "Kari", "Markku", "Marko", "Matti", "Mika", "Mikko", "Pekka", "Petri", "Sami", "Seppo",
    "Timo", "Tomi", "Tuomas", "Ville", "Väinö", "Jyrki", "Olli", "Pertti", "Teemu", "Lauri",
)  # fmt: skip
LAST_NAMES = (
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen",
    "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen",
    "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen",
    "Räsänen", "Hyvönen", "Pääkkönen", "Väisänen", "Pölönen", "Miettinen", "Kärkkäinen",
    "Kääriäinen", "Rönkkö", "Sääskilahti", "Lyytikäinen", "Hyttinen", "Ollikainen",
)  # fmt: skip

COMPANY_STEMS = (
    "Savon", "Kallaveden", "Pohjolan", "Järvi-Suomen", "Lapin", "Tunturin", "Kuopion",
    "Keski-Suomen", "Puijon", "Revontulen", "Väärnin", "Näsin", "Saimaan", "Vuoksen",
)  # fmt: skip
COMPANY_KINDS = (
    ("Rakennus", "41200"), ("Kiinteistöpalvelu", "81100"), ("Siivous", "81210"),
    ("Logistiikka", "49410"), ("Metalli", "25110"), ("Hoiva", "87300"),
    ("Ravintola", "56101"), ("Kauppa", "47111"), ("Puutyö", "16230"),
    ("Matkailu", "55100"), ("Kuljetus", "49410"), ("Konepaja", "28990"),
)  # fmt: skip
COMPANY_SUFFIXES = ("Oy", "Oy", "Oy", "Ky", "Ab Oy", "Osuuskunta")

OCCUPATIONS = (
    ("siivooja", "hygieniapassi"), ("varastotyöntekijä", "trukkikortti"),
    ("kokki", "hygieniapassi"), ("lähihoitaja", "lähihoitajan tutkinto"),
    ("hitsaaja", "hitsaajan pätevyys"), ("rakennusmies", "työturvallisuuskortti"),
    ("myyjä", "asiakaspalvelutaito"), ("kuljettaja", "C-ajokortti"),
    ("kiinteistönhoitaja", "työturvallisuuskortti"), ("hoiva-avustaja", "ensiapukortti"),
    ("matkailupalvelujen työntekijä", "ruotsin kieli"), ("puuseppä", ""),
)  # fmt: skip

NOTE_OPENINGS = (
    "Tavattiin toimistolla.", "Puhelinkeskustelu.", "Kotikäynti yhdessä sosiaaliohjaajan kanssa.",
    "Tapaaminen kirjastolla.", "Ryhmävalmennuksen jälkeen lyhyt keskustelu.",
    "Etätapaaminen Teamsissa.", "Tavattiin työkokeilupaikalla.",
)  # fmt: skip
NOTE_BODIES = (
    "Asiakas kertoi, että työnhaku on tuntunut raskaalta, mutta motivaatio on nyt parempi.",
    "Käytiin läpi työllistymissuunnitelman askeleet ja päivitettiin tavoitteet.",
    "Sovittiin, että asiakas hakee kahta avointa paikkaa ennen seuraavaa tapaamista.",
    "Terveydentila on vakaa; lääkärin lausunto työkyvystä tulee ensi kuussa.",
    "Asiakas on kiinnostunut työkokeilusta varastoalalla. Selvitetään sopivia työnantajia.",
    "Hygieniapassin koe on varattu. Asiakas harjoittelee kysymyksiä kotona.",
    "Velkaneuvonnan aika on sovittu; taloustilanne vaikuttaa jaksamiseen.",
    "Digitaidot ovat vielä heikot: harjoiteltiin työpaikkojen hakua verkossa.",
    "Työkokeilu on sujunut hyvin, työnantaja on tyytyväinen ja harkitsee palkkatukea.",
    "Asiakas ei saapunut sovittuun tapaamiseen. Lähetetty tekstiviesti uudesta ajasta.",
    "Ansioluettelo päivitettiin ja tehtiin hakemus ravintola-alan paikkaan.",
    "Keskusteltiin koulutusvaihtoehdoista: lähihoitajan oppisopimus kiinnostaa.",
    "Asumistilanne on epävarma; ohjattu asumisneuvojalle.",
    "Palveluseteli valmennukseen myönnetty, asiakas valitsee palveluntuottajan itse.",
    "Työturvallisuuskortin koulutus suoritettu hyväksytysti.",
    "Motivaatio on vaihdellut. Sovittiin lyhyemmät, tiheämmät tapaamiset.",
    "Mielenterveyspalvelujen kanssa yhteistyö jatkuu; jaksaminen on parantunut.",
    "Yrityskäynnillä löytyi mahdollinen kesätyöpaikka, asiakas soittaa itse ensi viikolla.",
)  # fmt: skip
NOTE_CLOSINGS = (
    "Seuraava tapaaminen kahden viikon päästä.", "Soitan perjantaina.",
    "Jatketaan ensi viikolla.", "Asiakas lupasi ilmoittaa, jos tilanne muuttuu.",
    "Päivitetään suunnitelma seuraavalla kerralla.", "",
)  # fmt: skip

STRENGTHS = (
    "Hyvä asiakaspalveluasenne ja pitkä kokemus kaupan alalta.",
    "Käden taidot, oma-aloitteisuus ja täsmällisyys.",
    "Sosiaalinen, tulee toimeen erilaisten ihmisten kanssa.",
    "Ajokortti ja oma auto, valmis liikkumaan työn perässä.",
)  # fmt: skip
OBSTACLES = (
    "Pitkä työttömyys, itseluottamus heikko.",
    "Selkävaivat rajoittavat raskasta työtä.",
    "Puutteelliset digitaidot ja vanhentunut ansioluettelo.",
    "Päihdetausta, tällä hetkellä raitis ja sitoutunut kuntoutukseen.",
    "Kielitaito vielä kehittymässä.",
)  # fmt: skip
PLAN_GOALS = (
    "Palkkatuettu työ kiinteistöalalla vuoden loppuun mennessä.",
    "Työkokeilun kautta avoimille työmarkkinoille.",
    "Ammatillinen koulutus: lähihoitajan tutkinto oppisopimuksella.",
    "Työkyvyn selvittäminen ja sopivan polun löytäminen.",
    "Kokoaikainen työ logistiikka-alalla.",
)  # fmt: skip
STEP_TEXTS = (
    ("Hygieniapassin suorittaminen", "hygiene_passport"),
    ("Työturvallisuuskortti", "occupational_safety_card"),
    ("Työkokeilu sopivalla työnantajalla", "work_trial_support"),
    ("Uravalmennuksen jakso", "career_coaching"),
    ("Digitaalisen työnhaun valmennus", "digital_job_search"),
    ("Yksilövalmennus, 5 tapaamista", "coaching"),
    ("Ansioluettelon päivitys", None),
    ("Työkykyarvio työterveyslääkärillä", None),
)  # fmt: skip
FEEDBACK_COMMENTS = (
    "Valmentaja kuunteli ja sain apua oikeaan aikaan.",
    "Hyödyllinen, mutta tapaamisia olisi saanut olla enemmän.",
    "Sain itseluottamusta takaisin.",
    "Ryhmä oli hyvä, opin paljon muilta.",
    "",
)  # fmt: skip


def henkilotunnus(birth: date, individual: int) -> str:
    """A synthetic henkilötunnus; `individual` must be 900–999 (temporary or test codes)."""
    if not 900 <= individual <= 999:
        raise ValueError("synthetic henkilötunnus use individual numbers 900–999 only")
    sign = "-" if birth.year < 2000 else "A"
    digits = f"{birth:%d%m%y}{individual:03d}"
    return f"{birth:%d%m%y}{sign}{individual:03d}{CHECK_CHARACTERS[int(digits) % 31]}"


def y_tunnus(rng: random.Random) -> str:
    """A random, valid Y-tunnus: seven digits and the check digit (remainder 1 skipped)."""
    weights = (7, 9, 10, 5, 8, 4, 2)
    while True:
        digits = f"{rng.randrange(1_000_000, 3_400_000):07d}"
        remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder == 1:
            continue
        return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


def person_name(rng: random.Random, female: bool) -> tuple[str, str]:
    first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
    return first, rng.choice(LAST_NAMES)


def company_name(rng: random.Random) -> tuple[str, str]:
    """(name, TOL 2008 industry code)."""
    kind, industry = rng.choice(COMPANY_KINDS)
    return f"{rng.choice(COMPANY_STEMS)} {kind} {rng.choice(COMPANY_SUFFIXES)}", industry


def note_text(rng: random.Random) -> str:
    parts = [rng.choice(NOTE_OPENINGS), *rng.sample(NOTE_BODIES, 2), rng.choice(NOTE_CLOSINGS)]
    return " ".join(p for p in parts if p)


def phone(rng: random.Random) -> str:
    return f"040 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"


def ascii_fold(text: str) -> str:
    return text.casefold().translate(str.maketrans("äöå", "aoa"))
