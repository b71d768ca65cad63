namespace Turtle.EndToEnd.Tests;

public class SmokeTests
{
    [Fact]
    public void ProjectLoads() => Assert.True(true);
}
