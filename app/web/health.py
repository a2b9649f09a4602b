"""Health check for load balancers and `otklik check`."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Response
from redis.asyncio import Redis

from app.web.guards import PUBLIC
from app.web.health_checks import system_health


@get("/healthz", name="healthz", opt=PUBLIC)
async def healthz(redis: NamedDependency[Redis]) -> Response[dict[str, object]]:
    """Database, Redis and worker heartbeat; 503 when the database or Redis is down."""
    report = await system_health(redis)
    return Response(report, status_code=200 if report["status"] == "ok" else 503)
