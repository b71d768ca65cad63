namespace Turtle.Api.Tests;

public class SmokeTests
{
    [Fact]
    public void ProjectLoads() => Assert.True(true);
}
