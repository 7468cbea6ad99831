#!/usr/bin/env bash
# Records which packages of openai-java-core the app loads, by running the tests that drive the
# OpenAI path (streaming chat, tools, errors, timeouts, the agent over the relay) with the
# JVM's class-load log on, and writes them to installer/openai-java-core.packages, the list that
# BuildInstaller keeps of that jar (whole packages: a package seen once is kept entirely).
#
# Run it after upgrading openai-java or when the app uses more of it, and commit the list:
#   installer/record-openai-classes.sh
# The installer build then checks the list by running those tests against the filtered jar.
set -euo pipefail
cd "$(dirname "$0")/.."

TESTS="${TESTS:-OpenAiAgentTest,AgentOverRelayTest}"
# Kept whether or not the tests load them: the client's plumbing (errors and HTTP paths that tests
# reach only when things go wrong) and all of the chat-completions API, blocking and async.
MARGIN=(
    com.openai.core.**
    com.openai.client.**
    com.openai.credential.**
    com.openai.errors.**
    com.openai.models
    com.openai.models.chat.**
    com.openai.services.blocking
    com.openai.services.blocking.chat.**
    com.openai.services.async
    com.openai.services.async.chat.**
)
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

./mvnw -q -o test -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dsurefire.jvmFlags=-Xlog:class+load=info:file=$logs/classes-%p.log"

out=installer/openai-java-core.packages
{
    echo "# Packages of com.openai:openai-java-core that the installer ships; BuildInstaller drops the rest."
    echo "# Written by installer/record-openai-classes.sh: do not edit by hand, edit its MARGIN and rerun it."
    echo "# A line a.b.** keeps a.b and every package under it."
    echo "#"
    echo "# Margin: the client's plumbing and the whole chat API (blocking and async), used or not yet used:"
    printf '%s\n' "${MARGIN[@]}"
    echo "#"
    echo "# Loaded while running $TESTS:"
    cat "$logs"/classes-*.log \
        | grep -E 'source: .*openai-java-core-[^/]*\.jar' \
        | sed -E 's/^.*\[class,load\] ([^ ]+) source:.*$/\1/' \
        | sed -E 's/\.[^.]+$//' \
        | sort -u
} > "$out"
echo "record-openai-classes: $(grep -vc '^#' "$out") packages -> $out"
