# weir's image: the `weir` binary (proxy, deployer and the `weir pod` steps of the database pods).
#
#   buildah bud -t weir:dev .        (or docker build -t weir:dev .)
#
# Stage 1 builds the release preset on Debian bookworm. The result is a bundle in /opt/weir: the
# binary plus every shared library it loads and libmariadb's client plugins, with the binary's
# interpreter and library path pointing into the bundle. So it runs where it is copied: the
# StatefulSet's init container copies /opt/weir into an emptyDir mounted at /opt/weir in the
# official database images, which have neither weir's libraries nor the same versions.
#
# The compiler cache lives in a cache mount (BuildKit and buildah keep it on the building machine
# between builds), so a rebuild after a small change recompiles only what changed.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config patch patchelf binutils ccache \
      libboost1.81-dev libboost-system1.81-dev libssl-dev libyaml-cpp-dev prometheus-cpp-dev \
      libmariadb-dev liburing-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache,id=weir-image-ccache \
    cmake --preset release -DWEIR_TESTS=OFF -DWEIR_BENCH=OFF >/dev/null \
 && cmake --build --preset release --target weir \
 && { ccache --show-stats | grep -E 'Hits|Misses' || true; }
RUN set -e; \
    mkdir -p /opt/weir/bin /opt/weir/lib; \
    cp build/release/app/weir /opt/weir/bin/weir; \
    strip --strip-unneeded /opt/weir/bin/weir; \
    ldd /opt/weir/bin/weir | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | xargs -r cp -L -t /opt/weir/lib/; \
    interp=$(patchelf --print-interpreter /opt/weir/bin/weir); \
    cp -L "$interp" /opt/weir/lib/; \
    patchelf --set-interpreter "/opt/weir/lib/$(basename "$interp")" --force-rpath --set-rpath /opt/weir/lib /opt/weir/bin/weir; \
    cp -r "/usr/lib/$(gcc -dumpmachine)/libmariadb3/plugin" /opt/weir/lib/plugin; \
    chmod -R a+rX /opt/weir

# Stage 2: nothing but the bundle and an unprivileged user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin weir
COPY --from=build /opt/weir /opt/weir
RUN ln -s /opt/weir/bin/weir /usr/local/bin/weir
ENV MARIADB_PLUGIN_DIR=/opt/weir/lib/plugin
USER 10001:10001
ENTRYPOINT ["weir"]
