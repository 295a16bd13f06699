using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace KmodPS.Core.Platform;

/// <summary>
/// The JSON of KmodPS's files under <c>/var/lib/kmodps</c>: camelCase names, enums as names, ISO 8601 dates, indented.
/// Reading is strict about values: an empty file, content after the document, a value of the wrong JSON type (a quoted
/// number, a number for a string, a date that is not ISO 8601), an unknown enum name or <c>$type</c>-style metadata is
/// an <see cref="InvalidDataException"/>, never a silently converted value. (Newtonsoft matches property names in any
/// case when no exact match exists; KmodPS always writes them in camelCase.)
/// </summary>
internal static class StateJson
{
    private const int MaxDepth = 64;

    // One resolver for all serializers: it caches the contracts.
    private static readonly IContractResolver CamelCase = new DefaultContractResolver
    {
        NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false, OverrideSpecifiedNames = false },
    };

    /// <summary>The value in <paramref name="text"/>; null only for the JSON literal <c>null</c>.</summary>
    /// <exception cref="InvalidDataException">
    /// The text is not a JSON document of <typeparamref name="T"/>'s shape; the message has no final period, as callers quote it in a sentence.
    /// </exception>
    public static T? Read<T>(string text)
        where T : class
    {
        using var reader = new StrictReader(new StringReader(text))
        {
            // Strings stay strings: Newtonsoft would otherwise turn a date-like string into a DateTime and back.
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = MaxDepth,
        };
        try
        {
            // Newtonsoft reads an empty document as null; a state file with nothing in it is damaged, not empty.
            if (!reader.Read())
            {
                throw new InvalidDataException("The file holds no JSON value");
            }
            return Serializer(NullValueHandling.Include).Deserialize<T>(reader);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(Printable(e.Message), e);
        }
    }

    /// <summary>Indented JSON (two spaces, <c>\n</c> line ends), without a final line end.</summary>
    public static string Write<T>(T value, bool omitNulls)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.Indented })
        {
            Serializer(omitNulls ? NullValueHandling.Ignore : NullValueHandling.Include).Serialize(writer, value);
        }
        return text.ToString();
    }

    // Newtonsoft's messages quote what it could not convert; a damaged or hostile file must not put terminal escapes,
    // or a megabyte of text, into a warning.
    private static string Printable(string message)
    {
        var text = new string(message.Select(c => char.IsControl(c) ? '?' : c).ToArray()).TrimEnd('.');
        return text.Length <= 400 ? text : text[..400] + "...";
    }

    // Never JsonConvert or JsonSerializer.CreateDefault: JsonConvert.DefaultSettings is process-wide, and any script in the same pwsh may set it.
    private static JsonSerializer Serializer(NullValueHandling nulls) => JsonSerializer.Create(new JsonSerializerSettings
    {
        ContractResolver = CamelCase,
        Converters = { new StrictEnumConverter(), new StrictScalarConverter() },
        NullValueHandling = nulls,
        // A repeated property replaces the earlier value (a list is not appended to).
        ObjectCreationHandling = ObjectCreationHandling.Replace,
        // $type, $ref and $id are ordinary (ignored) properties, never instructions.
        MetadataPropertyHandling = MetadataPropertyHandling.Ignore,
        TypeNameHandling = TypeNameHandling.None,
        MissingMemberHandling = MissingMemberHandling.Ignore,
        CheckAdditionalContent = true,
        DateParseHandling = DateParseHandling.None,
        DateFormatHandling = DateFormatHandling.IsoDateFormat,
        DateTimeZoneHandling = DateTimeZoneHandling.RoundtripKind,
        Culture = CultureInfo.InvariantCulture,
        MaxDepth = MaxDepth,
    });

    /// <summary>
    /// Refuses what JSON does not allow but Newtonsoft's tokenizer accepts and shows as a token: comments, single-quoted
    /// or unquoted names and strings, <c>undefined</c> and empty array elements, <c>new Date(...)</c>, NaN and Infinity.
    /// (Trailing commas and number spellings such as <c>0x1F</c> leave no trace in the tokens and are still accepted;
    /// KmodPS never writes them.)
    /// </summary>
    /// <remarks>The serializer reads every token through <see cref="Read"/>: the converters below take every scalar.</remarks>
    private sealed class StrictReader : JsonTextReader
    {
        public StrictReader(TextReader text)
            : base(text)
        {
        }

        public override bool Read()
        {
            if (!base.Read())
            {
                return false;
            }
            var refused = TokenType switch
            {
                JsonToken.Comment => "a comment",
                JsonToken.Undefined => "an undefined or empty value",
                JsonToken.StartConstructor => "a constructor",
                JsonToken.Float when Value is double d && !double.IsFinite(d) => "NaN or Infinity",
                JsonToken.String or JsonToken.PropertyName when QuoteChar != '"' => "a name or string without double quotes",
                _ => null,
            };
            if (refused is not null)
            {
                throw new JsonReaderException($"Not JSON: {refused}. Path '{Path}', line {LineNumber}, position {LinePosition}.", Path, LineNumber, LinePosition, null);
            }
            return true;
        }
    }

    /// <summary>Enums as names (any case) or numbers, as System.Text.Json read them; a number out of the enum's range is refused.</summary>
    private sealed class StrictEnumConverter : StringEnumConverter
    {
        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
        {
            // StringEnumConverter casts a number unchecked: 99999999999 would become 1215752191.
            if (reader.TokenType == JsonToken.Integer && !FitsEnum(reader.Value, Nullable.GetUnderlyingType(objectType) ?? objectType))
            {
                throw new JsonSerializationException($"Expected a {objectType.Name} at '{reader.Path}', found {Convert.ToString(reader.Value, CultureInfo.InvariantCulture)}.");
            }
            return base.ReadJson(reader, objectType, existingValue, serializer);
        }

        private static bool FitsEnum(object? value, Type enumType)
        {
            try
            {
                return value is long n && Convert.ChangeType(n, Enum.GetUnderlyingType(enumType), CultureInfo.InvariantCulture) is not null;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Strings, integers, booleans and dates only from the JSON token of that type: Newtonsoft would accept <c>"1"</c>
    /// for an int, <c>5</c> for a string, <c>"yes"</c>-like text for a bool and any date DateTime.Parse understands.
    /// </summary>
    private sealed class StrictScalarConverter : JsonConverter
    {
        // ISO 8601 as System.Text.Json and KmodPS write it: a date, or a date and time with optional fraction and offset.
        private static readonly string[] IsoFormats = { "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK", "yyyy'-'MM'-'dd'T'HH':'mmK", "yyyy'-'MM'-'dd" };

        public override bool CanWrite => false;

        public override bool CanConvert(Type objectType) =>
            (Nullable.GetUnderlyingType(objectType) ?? objectType) is var type
            && (type == typeof(string) || type == typeof(int) || type == typeof(bool) || type == typeof(DateTime) || type == typeof(DateTimeOffset));

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
        {
            var type = Nullable.GetUnderlyingType(objectType) ?? objectType;
            if (reader.TokenType == JsonToken.Null && (type == typeof(string) || type != objectType))
            {
                return null;
            }
            switch (reader.TokenType, reader.Value)
            {
                case (JsonToken.String, string s) when type == typeof(string):
                    return s;
                case (JsonToken.Integer, long n) when type == typeof(int) && n is >= int.MinValue and <= int.MaxValue:
                    return (int)n;
                case (JsonToken.Boolean, bool b) when type == typeof(bool):
                    return b;
                case (JsonToken.String, string s) when type == typeof(DateTime)
                    && DateTime.TryParseExact(s, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date):
                    return date;
                case (JsonToken.String, string s) when type == typeof(DateTimeOffset)
                    && DateTimeOffset.TryParseExact(s, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var offset):
                    return offset;
            }
            throw new JsonSerializationException($"Expected {Describe(type)} at '{reader.Path}', found {Found(reader, type)}.");
        }

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) =>
            throw new NotSupportedException("Only reads.");

        private static string Describe(Type type) =>
            type == typeof(string) ? "a string" : type == typeof(int) ? "an integer" : type == typeof(bool) ? "true or false" : "an ISO 8601 date";

        private static string Found(JsonReader reader, Type type) => reader.TokenType switch
        {
            JsonToken.String => type == typeof(DateTime) || type == typeof(DateTimeOffset) ? $"\"{reader.Value}\"" : "a string",
            JsonToken.Integer or JsonToken.Float or JsonToken.Boolean => Convert.ToString(reader.Value, CultureInfo.InvariantCulture) ?? "a number",
            JsonToken.Null => "null",
            JsonToken.StartObject => "an object",
            JsonToken.StartArray => "an array",
            var token => token.ToString(),
        };
    }
}
