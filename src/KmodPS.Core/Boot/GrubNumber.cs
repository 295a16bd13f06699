namespace KmodPS.Core.Boot;

/// <summary>GRUB's <c>grub_strtoul(value, NULL, 0)</c>: leading blanks, <c>0x</c> hex, leading-<c>0</c> octal, else decimal; trailing text ignored.</summary>
internal static class GrubNumber
{
    public static bool TryParseLeading(string value, out ulong number)
    {
        number = 0;
        var i = 0;
        while (i < value.Length && char.IsWhiteSpace(value[i]))
        {
            i++;
        }
        var radix = 10u;
        if (i + 1 < value.Length && value[i] == '0' && (value[i + 1] == 'x' || value[i + 1] == 'X'))
        {
            radix = 16;
            i += 2;
        }
        else if (i + 1 < value.Length && value[i] == '0' && value[i + 1] is >= '0' and <= '7')
        {
            radix = 8;
        }
        var digits = 0;
        for (; i < value.Length; i++)
        {
            var digit = DigitValue(value[i]);
            if (digit < 0 || digit >= radix)
            {
                break;
            }
            if (number > (ulong.MaxValue - (ulong)digit) / radix)
            {
                return false;
            }
            number = number * radix + (ulong)digit;
            digits++;
        }
        return digits > 0;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
