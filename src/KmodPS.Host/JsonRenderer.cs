using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace KmodPS.Host;

/// <summary>
/// The stable <c>--json</c> form: a JSON array with one element per output object; objects become JSON
/// objects of their public properties, enums their names, dates ISO 8601 strings.
/// </summary>
internal static class JsonRenderer
{
    private const int MaxDepth = 6;

    public static void Write(Stream stream, IEnumerable<PSObject?> objects)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        foreach (var item in objects)
        {
            WriteValue(writer, item, 0);
        }
        writer.WriteEndArray();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        var baseObject = value is PSObject ps ? ps.BaseObject : value;
        switch (baseObject)
        {
            case null:
                writer.WriteNullValue();
                return;
            case string or char or Guid or Version:
                writer.WriteStringValue(baseObject.ToString());
                return;
            case bool b:
                writer.WriteBooleanValue(b);
                return;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                return;
            case DateTime d:
                writer.WriteStringValue(d.ToUniversalTime().ToString("O"));
                return;
            case DateTimeOffset o:
                writer.WriteStringValue(o.ToString("O"));
                return;
            case TimeSpan t:
                writer.WriteStringValue(t.ToString("c"));
                return;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                writer.WriteNumberValue(Convert.ToInt64(baseObject));
                return;
            case float or double or decimal:
                writer.WriteNumberValue(Convert.ToDouble(baseObject));
                return;
        }
        if (depth >= MaxDepth)
        {
            writer.WriteStringValue(baseObject.ToString());
            return;
        }
        if (baseObject is IDictionary dictionary)
        {
            writer.WriteStartObject();
            foreach (DictionaryEntry entry in dictionary)
            {
                writer.WritePropertyName(entry.Key.ToString() ?? string.Empty);
                WriteValue(writer, entry.Value, depth + 1);
            }
            writer.WriteEndObject();
            return;
        }
        if (baseObject is IEnumerable sequence)
        {
            writer.WriteStartArray();
            foreach (var element in sequence)
            {
                WriteValue(writer, element, depth + 1);
            }
            writer.WriteEndArray();
            return;
        }
        writer.WriteStartObject();
        foreach (var property in PSObject.AsPSObject(value!).Properties.Where(p => p.IsGettable && p.MemberType != PSMemberTypes.ScriptProperty))
        {
            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (GetValueException)
            {
                continue;
            }
            writer.WritePropertyName(property.Name);
            WriteValue(writer, propertyValue, depth + 1);
        }
        writer.WriteEndObject();
    }
}
