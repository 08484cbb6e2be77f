# jobline: one image, every role. Build from the repository root:
#   docker build -t jobline .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY processor/pom.xml processor/
RUN mvn -B -q -pl processor -am dependency:go-offline -DexcludeArtifactIds=jobline-processor || true
COPY schemas schemas
COPY processor/src processor/src
RUN mvn -B -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/jobline jobline && mkdir -p /var/lib/jobline && chown jobline /var/lib/jobline
COPY --from=build /src/processor/target/jobline.jar /opt/jobline/jobline.jar
USER jobline
WORKDIR /var/lib/jobline
ENV JOBLINE_STATE_DIR=/var/lib/jobline/state
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD curl -fsS http://localhost:8080/healthz || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/jobline/jobline.jar"]
CMD ["run"]
