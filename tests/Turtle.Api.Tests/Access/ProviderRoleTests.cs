using System.Security.Claims;
using Microsoft.Extensions.Options;
using Turtle.Api.Access;

namespace Turtle.Api.Tests.Access;

/// <summary>How a person the provider vouched for gets a role (SPEC §14), and provider settings that stop start-up.</summary>
public sealed class ProviderRoleTests
{
    private static readonly StaffRoleMapping Mapping = new(Options.Create(new AuthOptions
    {
        Roles = new(StringComparer.OrdinalIgnoreCase)
        {
            ["viewer"] = ["viola@firm.test", "otto@firm.test"],
            ["Admin"] = [" Ada@Firm.test "],
        },
    }));

    [Fact]
    public void TheRoleClaimNamesTheRole() =>
        Assert.Equal(StaffRole.Operator, Mapping.RoleOf([new Claim("email", "someone@firm.test"), new Claim("roles", "Operator")]));

    [Fact]
    public void AnEmailListGivesTheRoleWhateverTheCase() =>
        Assert.Equal(StaffRole.Admin, Mapping.RoleOf([new Claim("email", "ada@FIRM.test")]));

    [Fact]
    public void TheHighestRoleFromClaimAndListsCounts()
    {
        Assert.Equal(StaffRole.Operator, Mapping.RoleOf([new Claim("email", "otto@firm.test"), new Claim("roles", "operator")]));
        Assert.Equal(StaffRole.Admin, Mapping.RoleOf([new Claim("preferred_username", "ada@firm.test"), new Claim("roles", "viewer")]));
    }

    [Fact]
    public void WordsThatAreNotRolesAndStrangersGiveNone()
    {
        Assert.Null(Mapping.RoleOf([new Claim("email", "sam@elsewhere.test"), new Claim("roles", "Global Administrator")]));
        Assert.Null(Mapping.RoleOf([new Claim("roles", "3")]));
    }

    [Fact]
    public void TheAuditNamesThePersonByNameAndEmail()
    {
        Assert.Equal("Otto Operator <otto@firm.test>", StaffRoleMapping.DisplayName([new Claim("name", "Otto Operator"), new Claim("email", "otto@firm.test")]));
        Assert.Equal("otto@firm.test", StaffRoleMapping.DisplayName([new Claim("upn", "otto@firm.test")]));
    }

    [Theory]
    [InlineData("Auth:Authority", "http://login.firm.example/", "Auth:Authority")]
    [InlineData("Auth:Authority", "not a url", "Auth:Authority")]
    [InlineData("Auth:Roles:superuser:0", "ada@firm.test", "Auth:Roles:superuser")]
    [InlineData("Auth:Roles:viewer:0", "not-an-email", "Auth:Roles:viewer")]
    public void ProviderSettingsThatCouldNeverSignAnyoneInStopStartNamingTheKey(string key, string value, string named)
    {
        var error = StartupValidation.Failure(s => s.AddAuthOptions(), ("Auth:ClientId", "turtle"), (key, value));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAuthorityWithoutAClientIdStopsStartNamingTheKey()
    {
        var error = StartupValidation.Failure(s => s.AddAuthOptions(), ("Auth:Authority", "https://login.firm.example/"));

        Assert.Contains("Auth:ClientId", error.Message, StringComparison.Ordinal);
    }
}
