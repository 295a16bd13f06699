using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using Newtonsoft.Json;

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
        // UTF-8 without a byte order mark, \n line ends on every platform.
        using var text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096, leaveOpen: true) { NewLine = "\n" };
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.Indented, CloseOutput = false })
        {
            writer.WriteStartArray();
            foreach (var item in objects)
            {
                WriteValue(writer, item, 0);
            }
            writer.WriteEndArray();
        }
        text.Write('\n');
    }

    private static void WriteValue(JsonWriter writer, object? value, int depth)
    {
        var baseObject = value is PSObject ps ? ps.BaseObject : value;
        switch (baseObject)
        {
            case null:
                writer.WriteNull();
                return;
            case string or char or Guid or Version:
                writer.WriteValue(baseObject.ToString());
                return;
            case bool b:
                writer.WriteValue(b);
                return;
            case Enum e:
                writer.WriteValue(e.ToString());
                return;
            case DateTime d:
                writer.WriteValue(d.ToUniversalTime().ToString("O"));
                return;
            case DateTimeOffset o:
                writer.WriteValue(o.ToString("O"));
                return;
            case TimeSpan t:
                writer.WriteValue(t.ToString("c"));
                return;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                writer.WriteValue(Convert.ToInt64(baseObject));
                return;
            case float or double or decimal:
                var number = Convert.ToDouble(baseObject);
                if (double.IsFinite(number))
                {
                    // The shortest round-trip form, so 1 stays 1 (Newtonsoft would write 1.0).
                    writer.WriteRawValue(number.ToString("R", CultureInfo.InvariantCulture));
                }
                else
                {
                    // JSON has no NaN or infinity: Newtonsoft writes them as the strings "NaN", "Infinity", "-Infinity".
                    writer.WriteValue(number);
                }
                return;
        }
        if (depth >= MaxDepth)
        {
            writer.WriteValue(baseObject.ToString());
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
