using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Turtle.Api.Clients;

/// <summary>
/// The console's links to a client's page, <c>/clients/{phone}</c>, carry the number protected (ASP.NET Core data
/// protection, the key ring the console's cookies use), not in clear: the console shows numbers masked, and a URL ends
/// up in browser history, proxies' logs and screenshots. The page takes a number typed in clear as well.
/// </summary>
public sealed class ClientLinks(IDataProtectionProvider protection)
{
    private const string Prefix = "c.";

    /// <summary>A booking's client: <c>/clients/b.{booking id}</c>, for the booking page, which holds the number masked only.</summary>
    public const string BookingPrefix = "b.";

    public static string PathOfBooking(string appointmentId) => "/clients/" + BookingPrefix + appointmentId;
    private readonly IDataProtector _protector = protection.CreateProtector("Turtle.Console.ClientPage");

    public string PathOf(string phone) => "/clients/" + Prefix + _protector.Protect(phone);

    /// <summary>The number a page's key stands for: a protected one, or the number as typed (the caller normalises it); a booking's key is the caller's to look up.</summary>
    public string? NumberOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return key;
        }
        try
        {
            return _protector.Unprotect(key[Prefix.Length..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
