using System.Security.Claims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Turtle.Api.Access;
using Turtle.Api.OperationsConsole;

namespace Turtle.Api.Tests.Access;

/// <summary>
/// A console cookie stays good only while what it was issued under holds: the same provider and client, and the same
/// role for the person under today's settings (someone taken off a list is signed out at their next request).
/// </summary>
public sealed class ConsoleSignInTests
{
    private static readonly Claim[] Otto = [new("name", "Otto Operator"), new("email", "otto@firm.test"), new("sub", "otto")];

    [Fact]
    public void APersonKeepsTheirSessionWhileTheirRoleIsUnchanged()
    {
        var signIn = SignIn(Provider(operators: ["otto@firm.test"]));

        var principal = signIn.CreatePrincipal(Otto);

        Assert.Equal(StaffRole.Operator, StaffPrincipal.RoleOf(principal));
        Assert.Equal("Otto Operator <otto@firm.test>", principal!.Identity!.Name);
        Assert.True(signIn.IsCurrent(principal));
    }

    [Fact]
    public void TakingSomeoneOffTheListEndsTheirSession()
    {
        var principal = SignIn(Provider(operators: ["otto@firm.test"])).CreatePrincipal(Otto);

        Assert.False(SignIn(Provider(operators: [])).IsCurrent(principal));
        Assert.False(SignIn(Provider(operators: [], admins: ["otto@firm.test"])).IsCurrent(principal));
    }

    [Fact]
    public void AnotherProviderOrClientEndsEverySession()
    {
        var principal = SignIn(Provider(operators: ["otto@firm.test"])).CreatePrincipal(Otto);

        Assert.False(SignIn(Provider(operators: ["otto@firm.test"], clientId: "another-client")).IsCurrent(principal));
    }

    [Fact]
    public void SomeoneWithoutARoleGetsNoPrincipal() =>
        Assert.Null(SignIn(Provider(operators: [])).CreatePrincipal(Otto));

    private static AuthOptions Provider(string[] operators, string[]? admins = null, string clientId = "turtle-console") => new()
    {
        Authority = "https://login.firm.example/",
        ClientId = clientId,
        Roles = new(StringComparer.OrdinalIgnoreCase) { ["operator"] = operators, ["admin"] = admins ?? [] },
    };

    private static ConsoleSignIn SignIn(AuthOptions auth) => new(
        Options.Create(new AdminOptions()), Options.Create(auth), new StaffRoleMapping(Options.Create(auth)),
        new HostingEnvironment { EnvironmentName = Environments.Production });
}
