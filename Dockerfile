# The one image of kube-privatelink: every role (operator, forwarder) runs from it; the role is
# the first argument (`operator` by default, `forwarder ...` in the pods the operator creates,
# which also get the forwarder's JVM options in JDK_JAVA_OPTIONS: the java launcher reads them
# before the ENTRYPOINT's flags, and an explicit -Xmx there outranks MaxRAMPercentage).
#
# Build the application first, then the image (no Maven inside the image build):
#   mvn -B package -DskipTests
#   docker build -t ghcr.io/kube-privatelink/kube-privatelink:0.1.0 .
# The Helm chart and config/manager use ghcr.io/kube-privatelink/kube-privatelink:<appVersion>.
#
# Java 25 at run time, though the bytecode targets 17 (the build and the tests run on 17): with
# compact object headers a forwarder holds an idle connection in 2.7-3.0 KiB against 3.8-4.2 on
# 17, and starts as fast (BENCHMARKS.md, "Java 25"). forwarder-jvm.options is written for it;
# bin/image-java finds the same release for the benchmarks.
FROM eclipse-temurin:25-jre

ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="kube-privatelink" \
      org.opencontainers.image.description="PrivateLink for Kubernetes: operator and forwarder" \
      org.opencontainers.image.version="${VERSION}"

# A numeric non-root user, so that runAsNonRoot can check it without a passwd lookup.
RUN groupadd --system --gid 10001 privatelink \
 && useradd --system --uid 10001 --gid 10001 --home-dir /deployments --no-create-home \
      --shell /usr/sbin/nologin privatelink

# The Quarkus fast-jar layout, in the order it changes least to most (better layer reuse).
# Owned by root and read-only to the user: the root filesystem may be mounted read-only;
# only /tmp needs to be writable (Netty unpacks its native transport there).
COPY target/quarkus-app/lib/ /deployments/lib/
COPY target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
COPY target/quarkus-app/app/ /deployments/app/
COPY target/quarkus-app/quarkus/ /deployments/quarkus/

# The forwarder role's JVM options (the one definition, src/main/resources/forwarder-jvm.options;
# the operator puts them in each forwarder pod's JDK_JAVA_OPTIONS) and the class-data archive
# they name, written by a training run of this image's own JVM on this class path (an archive is
# valid only for those). The operator role runs without either.
COPY src/main/resources/forwarder-jvm.options /deployments/forwarder-jvm.options
COPY bin/forwarder-cds-archive /usr/local/bin/forwarder-cds-archive
RUN forwarder-cds-archive /deployments/quarkus-run.jar /deployments/forwarder-jvm.options \
      /deployments/forwarder-cds.jsa \
 && chmod 0444 /deployments/forwarder-cds.jsa

WORKDIR /deployments
USER 10001:10001
EXPOSE 8080

# Heap from the container's memory limit; exit on OOM so Kubernetes restarts the pod; no
# hsperfdata files; Quarkus' log manager for java.util.logging.
ENTRYPOINT ["java", \
    "-XX:MaxRAMPercentage=75.0", \
    "-XX:+ExitOnOutOfMemoryError", \
    "-XX:-UsePerfData", \
    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", \
    "-Djava.io.tmpdir=/tmp", \
    "-jar", "/deployments/quarkus-run.jar"]
CMD ["operator"]
