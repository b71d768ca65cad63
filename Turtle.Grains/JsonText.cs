using System.Text.Json;
using System.Text.Unicode;

namespace Turtle.Grains;

/// <summary>
/// Whether a webhook body is text a JSON reader can turn into strings: UTF-8 throughout, and no escape that is no
/// character (a lone surrogate such as <c>"\ud800"</c>), in a value or a property name. <see cref="JsonDocument"/> parses
/// both without complaint and fails only when the string is read, as an <see cref="InvalidOperationException"/>.
/// </summary>
public static class JsonText
{
    /// <summary>What is wrong with the body's text, or null when nothing is (malformed JSON is left to the parser to say).</summary>
    public static string? Problem(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return "not UTF-8 text";
        }
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"a string at byte {reader.TokenStartIndex} is not valid text (an escape that is no character)";
        }
        return null;
    }
}
