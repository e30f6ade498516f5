# The Shoal operator image: build with the .NET SDK, run on Microsoft's chiseled ASP.NET runtime (no shell,
# no package manager, non-root). Build from the repository root:
#   docker build -t shoal-operator:0.1.0 .
# global.json pins the SDK feature band; if the sdk:10.0 image is older than that, pass a newer one:
#   docker build --build-arg SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401 -t shoal-operator:0.1.0 .
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

FROM ${SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Restore first, from the project files alone, so a source change does not download packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Shoal.Api/Shoal.Api.csproj src/Shoal.Api/
COPY src/Shoal.Core/Shoal.Core.csproj src/Shoal.Core/
COPY src/Shoal.Aws/Shoal.Aws.csproj src/Shoal.Aws/
COPY src/Shoal.Operator/Shoal.Operator.csproj src/Shoal.Operator/
RUN dotnet restore src/Shoal.Operator/Shoal.Operator.csproj

COPY src/Shoal.Api/ src/Shoal.Api/
COPY src/Shoal.Core/ src/Shoal.Core/
COPY src/Shoal.Aws/ src/Shoal.Aws/
COPY src/Shoal.Operator/ src/Shoal.Operator/
RUN dotnet publish src/Shoal.Operator -c Release -o /app --no-restore -p:UseAppHost=false

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
# 1654 is the image's "app" user; the chart's securityContext expects it (runAsNonRoot, runAsUser 1654).
USER 1654
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/shoal-operator.dll"]
