using Turtle.Grains.Messaging;

namespace Turtle.Grains.Tests.Messaging;

public sealed class PhoneNumberNormalizerTests
{
    private readonly PhoneNumberNormalizer india = new("IN");

    [Theory]
    [InlineData("+91 98765 43210")]
    [InlineData("098765 43210")]
    [InlineData("9876543210")]
    [InlineData("+91-98765-43210")]
    [InlineData("(+91) 98765-43210")]
    [InlineData("0091 98765 43210")]
    [InlineData("  +919876543210  ")]
    public void IndianNumbersInAnyCommonWritingBecomeE164(string typed) =>
        Assert.Equal("+919876543210", india.Normalize(typed));

    [Theory]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+1 (650) 253-0000", "+16502530000")]
    [InlineData("+971 50 123 4567", "+971501234567")]
    public void NumbersWithAnotherCountryCodeKeepTheirCountry(string typed, string expected) =>
        Assert.Equal(expected, india.Normalize(typed));

    [Fact]
    public void DefaultRegionAppliesToNumbersWithoutCountryCode() =>
        Assert.Equal("+442079460958", new PhoneNumberNormalizer("GB").Normalize("020 7946 0958"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("call me on zoom")]
    [InlineData("12345")]
    [InlineData("+91 12345")]
    [InlineData("98765432109876543210")]
    [InlineData("not-a-number-but-long-enough-to-be-annoying-not-a-number-but-long-enough")]
    public void GarbageIsNoPhone(string? typed) => Assert.Null(india.Normalize(typed));

    [Fact]
    public void RegionsAreCheckedAgainstLibphonenumber()
    {
        Assert.True(PhoneNumberNormalizer.IsKnownRegion("IN"));
        Assert.False(PhoneNumberNormalizer.IsKnownRegion("XX"));
    }
}
