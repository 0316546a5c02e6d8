"""Fixtures for the serve tests: servers on free loopback ports with temporary state."""

from __future__ import annotations

import pytest

from .harness import Client, Server


@pytest.fixture
def clients():
    """Make OpenSSH clients; any still running at the end are killed."""
    made: list[Client] = []

    def make(*args, **kwargs) -> Client:
        client = Client(*args, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def start_server(tmp_path):
    """Start `nntui serve` processes; each is stopped (SIGTERM) at the end of the test."""
    made: list[Server] = []

    def start(*args, state_dir=None, **kwargs) -> Server:
        server = Server(state_dir or tmp_path / "state", *args, **kwargs)
        made.append(server)
        return server

    yield start
    for server in made:
        server.stop()


@pytest.fixture
def server(start_server):
    """An open loopback SSH server running the stand-in app."""
    return start_server()
