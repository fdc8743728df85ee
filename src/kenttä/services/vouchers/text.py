"""The printable service voucher, in Finnish (default), Swedish or English."""

from __future__ import annotations

from datetime import date

from kenttä.domain.models import Provider, Service, Voucher
from kenttä.services.vouchers.common import eur, eur_fi

_TEXT = {
    "fi": {
        "title": "PALVELUSETELI",
        "number": "Setelin numero",
        "client": "Asiakas",
        "service": "Palvelu",
        "value": "Arvo",
        "valid": "Voimassa",
        "issued": "Myönnetty",
        "provider": "Palveluntuottaja",
        "choose": "asiakas valitsee hyväksytyistä palveluntuottajista",
        "approved": "Hyväksytyt palveluntuottajat",
        "status": "Tila",
        "footer": "Esitä seteli palveluntuottajalle. Palveluntuottaja laskuttaa setelin "
        "numerolla; setelin arvo maksetaan vain voimassaoloaikana käytetystä palvelusta.",
    },
    "sv": {
        "title": "SERVICESEDEL",
        "number": "Sedelns nummer",
        "client": "Kund",
        "service": "Tjänst",
        "value": "Värde",
        "valid": "Giltig till",
        "issued": "Beviljad",
        "provider": "Serviceproducent",
        "choose": "kunden väljer bland godkända serviceproducenter",
        "approved": "Godkända serviceproducenter",
        "status": "Status",
        "footer": "Visa sedeln för serviceproducenten, som fakturerar med sedelns nummer; "
        "värdet betalas endast för tjänst som använts under giltighetstiden.",
    },
    "en": {
        "title": "SERVICE VOUCHER",
        "number": "Voucher number",
        "client": "Client",
        "service": "Service",
        "value": "Value",
        "valid": "Valid until",
        "issued": "Issued",
        "provider": "Provider",
        "choose": "the client chooses among approved providers",
        "approved": "Approved providers",
        "status": "Status",
        "footer": "Show this voucher to the provider, who invoices quoting its number; the "
        "value is paid only for a service used while the voucher is valid.",
    },
}


_STATUS = {
    "fi": {
        "issued": "myönnetty",
        "provider_chosen": "palveluntuottaja valittu",
        "used": "käytetty",
        "invoiced": "laskutettu",
        "paid": "maksettu",
        "cancelled": "peruttu",
        "expired": "vanhentunut",
    },
    "sv": {
        "issued": "beviljad",
        "provider_chosen": "serviceproducent vald",
        "used": "använd",
        "invoiced": "fakturerad",
        "paid": "betald",
        "cancelled": "annullerad",
        "expired": "förfallen",
    },
    "en": {
        "issued": "issued",
        "provider_chosen": "provider chosen",
        "used": "used",
        "invoiced": "invoiced",
        "paid": "paid",
        "cancelled": "cancelled",
        "expired": "expired",
    },
}


def _fi_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _service_name(service: Service, lang: str) -> str:
    """The service's Swedish name on a Swedish voucher when the tray has one."""
    return service.name_sv if lang == "sv" and service.name_sv else service.name


def render_text(
    voucher: Voucher,
    client_name: str,
    service: Service | None,
    provider: Provider | None,
    approved: list[Provider],
    lang: str = "fi",
) -> str:
    """The voucher as plain text; `approved` lists providers when none is chosen yet."""
    t = _TEXT.get(lang, _TEXT["fi"])
    money = eur_fi(voucher.value_cents) if lang != "en" else eur(voucher.value_cents)
    lines = [
        t["title"],
        "=" * len(t["title"]),
        f"{t['number']}: {voucher.number}",
        f"{t['client']}: {client_name}",
        f"{t['service']}: {_service_name(service, lang) if service else voucher.service_code}",
        f"{t['value']}: {money}",
        f"{t['issued']}: {_fi_date(voucher.issued_on)}",
        f"{t['valid']}: {_fi_date(voucher.valid_until)}",
        f"{t['status']}: {_STATUS.get(lang, {}).get(voucher.status, voucher.status)}",
    ]
    if provider is not None:
        ytunnus = f" ({provider.y_tunnus})" if provider.y_tunnus else ""
        lines.append(f"{t['provider']}: {provider.name}{ytunnus}")
    else:
        lines.append(f"{t['provider']}: {t['choose']}")
        if approved:
            lines.append(f"{t['approved']}:")
            lines += [
                f"  - {p.name}" + (f" ({p.y_tunnus})" if p.y_tunnus else "") for p in approved
            ]
    lines += ["", t["footer"]]
    return "\n".join(lines) + "\n"
