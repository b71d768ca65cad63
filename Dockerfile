# One image per part: `docker build --target silo .` / `--target api .`
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Turtle.Silo/Turtle.Silo.csproj -c Release -o /out/silo \
 && dotnet publish Turtle.Api/Turtle.Api.csproj -c Release -o /out/api

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
EXPOSE 11111 30000 8080
ENTRYPOINT ["dotnet", "Turtle.Silo.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS api
WORKDIR /app
COPY --from=build /out/api .
EXPOSE 8080
ENTRYPOINT ["dotnet", "Turtle.Api.dll"]
