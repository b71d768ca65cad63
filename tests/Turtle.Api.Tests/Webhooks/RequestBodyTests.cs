using Microsoft.AspNetCore.Http;
using Turtle.Api.Webhooks;

namespace Turtle.Api.Tests.Webhooks;

public sealed class RequestBodyTests
{
    private const int Limit = 1024;

    [Fact]
    public async Task BodyWithinLimitIsReturnedWhole()
    {
        var body = Bytes(Limit);

        Assert.Equal(body, await RequestBody.ReadAsync(Request(body, Limit), Limit, CancellationToken.None));
    }

    [Fact]
    public async Task DeclaredLengthOverLimitIsRefusedBeforeReading()
    {
        var request = Request([], contentLength: Limit + 1);

        Assert.Null(await RequestBody.ReadAsync(request, Limit, CancellationToken.None));
    }

    [Fact]
    public async Task ChunkedBodyOverLimitIsRefused() =>
        Assert.Null(await RequestBody.ReadAsync(Request(Bytes(Limit + 1), contentLength: null), Limit, CancellationToken.None));

    [Fact]
    public async Task BodyLongerThanItsDeclaredLengthIsRefused() =>
        Assert.Null(await RequestBody.ReadAsync(Request(Bytes(Limit * 40), contentLength: 10), Limit, CancellationToken.None));

    [Fact]
    public async Task EmptyBodyIsEmpty() =>
        Assert.Empty((await RequestBody.ReadAsync(Request([], contentLength: null), Limit, CancellationToken.None))!);

    private static byte[] Bytes(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)i)];

    private static HttpRequest Request(byte[] body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = contentLength;
        return context.Request;
    }
}
