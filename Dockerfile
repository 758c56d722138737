# salvo in a container: Debian 12, built from this tree as the .deb, run as
# a user without privileges. docs/deploy/container.md says how to use it.
#
#   docker build -t salvo .
#   docker run --rm -v "$PWD:/work" salvo -w /work/words.txt -u 'https://{}.example.com/'

FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config dpkg-dev file \
        libcurl4-openssl-dev libuv1-dev libinih-dev liblua5.4-dev libpcre2-dev \
        libc-ares-dev libhiredis-dev libidn2-dev libnghttp2-dev libssl-dev zlib1g-dev libbrotli-dev libzstd-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    && cmake --build build -j"$(nproc)" \
    && cd build && cpack -G DEB -B /pkg

FROM debian:12-slim
COPY --from=build /pkg/*.deb /tmp/
RUN apt-get update && apt-get install -y --no-install-recommends /tmp/*.deb ca-certificates \
    && rm -rf /var/lib/apt/lists/* /tmp/*.deb \
    && useradd --system --uid 10001 --create-home --home-dir /home/salvo salvo
USER salvo
WORKDIR /home/salvo
ENTRYPOINT ["salvo"]
CMD ["--help"]
