# The container image: built from the Dockerfile and run, where a container
# engine runs and Debian 12's base image is already there (the build then
# fetches only the Debian packages it installs, as any image build does).
# Elsewhere skipped, with the reason (ctest shows it as skipped).
. "$(dirname "$0")/lib.sh"
: "${SRC_DIR:?}"
if ! command -v docker > /dev/null || ! timeout 20 docker info > /dev/null 2>&1; then
    echo "skipped: no container engine runs here (docker info fails)"
    exit 77
fi
if ! docker image inspect debian:12 > /dev/null 2>&1; then
    echo "skipped: the debian:12 image is not here (docker pull debian:12 first)"
    exit 77
fi
timeout 1800 docker build -t salvo-test:ci "$SRC_DIR" > build.log 2>&1
check "the image builds" [ $? = 0 ] || tail -30 build.log >&2
check "salvo runs in it" sh -c "docker run --rm salvo-test:ci --version | grep -q 'plugin ABI'"
check "as a user without privileges" [ "$(docker run --rm --entrypoint id salvo-test:ci -u)" != 0 ]
printf 'hit-1\nw2\n' > words.txt
docker run --rm --network host -v "$WORK:/work" salvo-test:ci -q --connect-to "$CT" \
    -w /work/words.txt > out.txt
check "a scan from the image finds the hit" same_set out.txt <(echo http://hit-1.baidu.com)
check "the bundled wordlist is found by name" sh -c "docker run --rm --entrypoint sh salvo-test:ci -c 'test -f /usr/share/salvo/conf/words.txt'"
docker image rm salvo-test:ci > /dev/null 2>&1
finish
