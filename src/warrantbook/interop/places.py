"""US states by name and postal code: a company's state of incorporation, an address's last line."""

from __future__ import annotations

import re

US_STATES: dict[str, str] = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS",
    "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
    "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
    "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
    "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD",
    "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}
STATE_NAMES: dict[str, str] = {code: name for name, code in US_STATES.items()}
_BY_FOLDED = {name.casefold(): name for name in US_STATES}
STATE_PATTERN = "|".join(sorted((re.escape(n) for n in US_STATES), key=len, reverse=True))


def state_name(text: str) -> str | None:
    """The state's proper name for any casing of it ("NEW YORK" -> "New York"), else None."""
    return _BY_FOLDED.get(" ".join(text.split()).casefold())


def state_code(name: str) -> str | None:
    proper = state_name(name)
    return US_STATES[proper] if proper else None


_LAST_LINE = re.compile(r"^(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\.?\s+(?P<zip>\d{5}(?:-\d{4})?)$")


def us_address(lines: tuple[str, ...]) -> dict[str, str] | None:
    """Street, city, state code and ZIP of a US address whose last line reads "City, ST 12345"; else None."""
    if len(lines) < 2:
        return None
    m = _LAST_LINE.match(lines[-1].strip())
    if not m or m["state"] not in STATE_NAMES:
        return None
    return {"street_suite": "\n".join(x.strip() for x in lines[:-1]), "city": m["city"].strip(),
            "country_subdivision": m["state"], "postal_code": m["zip"]}
