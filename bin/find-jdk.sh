# Sourced by ./jcnn and ./run-tests: finds a JDK >= 25 and exports JAVA_HOME.
# Looks in $JAVA_HOME, then the `java` on PATH, then every JDK under /usr/lib/jvm (newest first).
# The default `java` of many machines is 17, which cannot run jcnn (Vector API, release 25).

jcnn_required_java=25

jcnn_java_major() { # prints the feature version of the JDK whose home is $1, or nothing
  local home=$1
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

jcnn_find_jdk() {
  local candidates=() home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${home%/}"); done
  for home in "${candidates[@]}"; do
    major=$(jcnn_java_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$jcnn_required_java" ]; then
      export JAVA_HOME="$home"
      return 0
    fi
  done
  {
    echo "jcnn: no JDK $jcnn_required_java or newer found (looked at \$JAVA_HOME, the java on PATH and /usr/lib/jvm/*)."
    echo "jcnn: install one, e.g. Temurin 25 (https://adoptium.net, or 'apt-get install temurin-25-jdk'),"
    echo "jcnn: or point JAVA_HOME at it: JAVA_HOME=/path/to/jdk-25 ./jcnn ..."
  } >&2
  return 1
}

jcnn_find_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "jcnn: Apache Maven (mvn) is needed to build jcnn; install it, e.g. 'apt-get install maven'." >&2
    return 1
  fi
}

# Maven itself (guava inside it) trips JDK 24+'s sun.misc.Unsafe warnings; they are not ours.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
