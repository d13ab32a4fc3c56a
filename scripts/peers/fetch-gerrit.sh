#!/usr/bin/env bash
# Fetches the Gerrit release war (com.google.gerrit:gerrit-war) with Maven into the local Maven
# repository (~/.m2), where it stays cached, checks that the bundled webhooks plugin is inside, and
# prints the war's path on stdout. It builds nothing and starts nothing; test/peers/gerrit/start-gerrit.ts
# runs the war. Why this version: test/peers/gerrit/README.md.
#
# Environment: GIC_GERRIT_VERSION (default below), MAVEN_REPO_LOCAL (default ~/.m2/repository).
set -euo pipefail

version=${GIC_GERRIT_VERSION:-3.9.4}
repo=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
war="$repo/com/google/gerrit/gerrit-war/$version/gerrit-war-$version.war"
# maven-dependency-plugin 2.8 (the default of Maven 3.8) cannot fetch a war without its pom; 3.8.1 can.
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

if [[ ! -s "$war" ]]; then
  command -v mvn >/dev/null || { echo "fetch-gerrit: mvn is not installed" >&2; exit 1; }
  echo "fetch-gerrit: fetching com.google.gerrit:gerrit-war:$version with Maven" >&2
  # Maven Central serves this war without a pom; the warning about the missing pom is expected.
  mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$repo" "$dependency_plugin:get" \
    -Dartifact="com.google.gerrit:gerrit-war:$version:war" -Dtransitive=false >&2 \
    || { echo "fetch-gerrit: Maven could not fetch com.google.gerrit:gerrit-war:$version:war" >&2; exit 1; }
fi
[[ -s "$war" ]] || { echo "fetch-gerrit: $war is missing after the Maven fetch" >&2; exit 1; }

# Maven Central serves no checksum files for this war, so Maven checks nothing: pin the sha256 of the
# default version (recorded when it was first fetched on 2026-11-25).
if [[ "$version" == 3.9.4 ]]; then
  expected=a63ad65df69ed66a262514df7483da96c2f29c01b0aa9d55b57f4cf6eab32703
  actual=$(sha256sum "$war" | cut -d' ' -f1)
  [[ "$actual" == "$expected" ]] \
    || { echo "fetch-gerrit: $war has sha256 $actual, expected $expected; remove it and retry" >&2; exit 1; }
fi

# The webhooks plugin is bundled in the war; `init --install-plugin webhooks` copies it to SITE/plugins.
if command -v unzip >/dev/null; then
  listing=$(unzip -Z1 "$war")
else
  listing=$(jar tf "$war")
fi
grep -qx 'WEB-INF/plugins/webhooks.jar' <<<"$listing" \
  || { echo "fetch-gerrit: $war has no WEB-INF/plugins/webhooks.jar" >&2; exit 1; }

echo "$war"
