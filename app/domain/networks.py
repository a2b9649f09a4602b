"""Which networks an organisation works in (Penza p.4, Parfino p.3) and what a link shows.

The profiles list the networks of 2020 (OK, VK, Facebook, Twitter, Instagram); today's are
VK, OK, Telegram and MAX, so an administrator may enable more networks for an organisation:
it accepts the union of both. A publication link (the answer placed in the network) must
belong to the message's network and, where the network's address shows it, to the same
post or thread; where an address does not show it, the link is taken as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

# Networks of Penza p.4 / Parfino p.3, today's Telegram and MAX, and "other" (manual entry).
NETWORKS: dict[str, str] = {
    "vk": "ВКонтакте",
    "ok": "Одноклассники",
    "telegram": "Telegram",
    "max": "MAX",
    "facebook": "Facebook",
    "twitter": "Twitter",
    "instagram": "Instagram",
    "other": "Другой источник",
}
# «в ВКонтакте», «в Одноклассниках»: where a copy of a message was posted.
NETWORKS_IN: dict[str, str] = {
    **NETWORKS,
    "ok": "Одноклассниках",
    "other": "другом источнике",
}
# The hosts of each network's public addresses (subdomains such as m.vk.com, www. included).
# "other" (manual entry from any source) has no host of its own and is not checked.
NETWORK_HOSTS: dict[str, tuple[str, ...]] = {
    "vk": ("vk.com", "vk.ru", "vkontakte.ru"),
    "ok": ("ok.ru", "odnoklassniki.ru"),
    "telegram": ("t.me", "telegram.me"),
    "max": ("max.ru",),
    "facebook": ("facebook.com", "fb.com"),
    "instagram": ("instagram.com",),
    "twitter": ("twitter.com", "x.com"),
}

_VK_WALL = re.compile(r"wall(-?\d+)_(\d+)")
_OK_THREAD = re.compile(r"^/(group|profile)/([^/]+)/(topic|statuses)/(\d+)")
_TELEGRAM_CHAT = re.compile(r"^/(c/\d+|[A-Za-z0-9_]{4,})(?:/\d+)?/?$")


def accepted_networks(profile_networks: Iterable[str], enabled: Iterable[str]) -> frozenset[str]:
    """The networks an organisation accepts: its profile's ∪ those the admin enabled."""
    return frozenset(profile_networks) | frozenset(enabled)


def network_refusal_ru(network: str, clause: str) -> str:
    """Why a message from a network the organisation does not accept is refused."""
    title = NETWORKS.get(network, network)
    where = f" (п. {clause} Положения)" if clause else ""
    return (
        f"Сеть «{title}» не входит в перечень социальных сетей организации{where}. "
        "Администратор может подключить её на странице «Организация и график»."
    )


def _host_network(host: str) -> str | None:
    host = host.lower().rstrip(".")
    for network, hosts in NETWORK_HOSTS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return network
    return None


def thread_of(network: str, url: str) -> tuple[str, ...] | None:
    """The post or thread an address points to, when the network's address shows it.

    VK: the wall post (`wall-1_100`, also `?w=wall-1_100`; `?reply=` is a comment in it);
    OK: the group topic or profile status; Telegram: the channel or chat (a reply in a chat
    is a new message there). Others: None (not shown by the address)."""
    parts = urlsplit(url)
    if network == "vk":
        query = parse_qs(parts.query).get("w", [])
        for candidate in (parts.path, *query):
            match = _VK_WALL.search(candidate)
            if match:
                return (match[1], match[2])
        return None
    if network == "ok":
        match = _OK_THREAD.match(parts.path)
        return (match[1], match[2], match[3], match[4]) if match else None
    if network == "telegram":
        match = _TELEGRAM_CHAT.match(parts.path)
        return (match[1].lower(),) if match else None
    return None


def publication_link_problem(network: str, message_url: str, link: str) -> str | None:
    """Why `link` cannot be the answer to a message of `network` at `message_url`, or None.

    Both addresses are normalised http(s) URLs (app.domain.intake.normalise_url)."""
    hosts = NETWORK_HOSTS.get(network)
    if hosts is None:
        return None
    title = NETWORKS.get(network, network)
    if _host_network(urlsplit(link).hostname or "") != network:
        return (
            f"Ответ размещается в той же сети, что и сообщение («{title}»): ссылка должна "
            f"вести на {', '.join(hosts)}."
        )
    if not message_url or _host_network(urlsplit(message_url).hostname or "") != network:
        return None
    expected, actual = thread_of(network, message_url), thread_of(network, link)
    if expected is not None and actual is not None and expected != actual:
        return (
            "Ссылка ведёт на другую запись: ответ размещается под сообщением, на которое "
            "отвечает (ссылка на сообщение в карточке)."
        )
    return None


def network_of_url(url: str) -> str | None:
    """The network whose public address `url` is (by its host), or None."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # an unbalanced [ in the host part
        return None
    return _host_network(host) if host else None
