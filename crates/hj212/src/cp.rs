//! The data area `CP=&&…&&` (HJ 212-2017 §6.3.3, Table 4): ordered groups (`;`) of items (`,`), each
//! `Name=value` where a name is a field (`DataTime`) or a factor code joined to a field (`w01018-Rtd`).
//!
//! Values keep their exact text (a concentration `2.20` stays `2.20`); nothing is converted until asked.
//! Tolerated (hj212.md §1.6, §7): spaces around items, empty values, trailing `;`, items without a factor
//! code (`Flag=N`), log text between `//…//` that contains separators, duplicate keys (all kept, in order).

use std::borrow::Cow;
use std::fmt;

/// The data area's text, between `CP=&&` and the closing `&&`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cp<'a> {
    text: Cow<'a, str>,
}

impl<'a> Cp<'a> {
    /// A data area from its text (without `CP=&&` and `&&`).
    pub fn new(text: impl Into<Cow<'a, str>>) -> Cp<'a> {
        Cp { text: text.into() }
    }

    /// The empty data area (`CP=&&&&`), as answers carry (HJ 212-2017 C.4, C.14).
    pub fn empty() -> Cp<'static> {
        Cp {
            text: Cow::Borrowed(""),
        }
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the data area holds nothing but spaces (`CP=&&&&`, and `CP=&& &&` as HJ 212-2017 C.4 prints it).
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The groups in order (separated by `;`).
    pub fn groups(&self) -> Groups<'_> {
        Groups { rest: &self.text }
    }

    /// All items of all groups in order, each with its group index (one pass over the text).
    pub fn items(&self) -> Items<'_> {
        Items {
            rest: &self.text,
            group: 0,
            group_used: false,
        }
    }

    /// The value of the first item named `key` (exact, case-sensitive as the standard says, e.g. `DataTime`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.items()
            .find(|item| item.key == key)
            .map(|item| item.value)
    }

    /// The value of the first item named `key`, ignoring ASCII case (`CTime` vs `Ctime`, HJ 212-2017 C.35).
    pub fn get_ignore_case(&self, key: &str) -> Option<&str> {
        self.items()
            .find(|item| item.key.eq_ignore_ascii_case(key))
            .map(|item| item.value)
    }

    /// Copies the text so the data area no longer borrows the input.
    pub fn into_owned(self) -> Cp<'static> {
        Cp {
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

impl fmt::Display for Cp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One group of items (one `;`-separated part: usually one factor, or one field such as `DataTime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group<'c> {
    text: &'c str,
}

impl<'c> Group<'c> {
    /// The group's text.
    pub fn as_str(&self) -> &'c str {
        self.text
    }

    /// The items of this group in order (separated by `,`).
    pub fn items(&self) -> impl Iterator<Item = Item<'c>> + use<'c> {
        let mut rest = self.text;
        std::iter::from_fn(move || next_part(&mut rest, b',', b',', true).map(|(part, _)| part))
            .filter_map(Item::parse)
    }
}

/// Iterator over all items of a [`Cp`], returned by [`Cp::items`].
#[derive(Debug, Clone)]
pub struct Items<'c> {
    rest: &'c str,
    group: usize,
    group_used: bool,
}

impl<'c> Iterator for Items<'c> {
    type Item = Item<'c>;
    fn next(&mut self) -> Option<Item<'c>> {
        loop {
            let (part, sep) = next_part(&mut self.rest, b';', b',', true)?;
            let group = self.group;
            let item = Item::parse(part);
            self.group_used |= item.is_some();
            if sep == b';' && self.group_used {
                self.group += 1;
                self.group_used = false;
            }
            if let Some(item) = item {
                return Some(Item { group, ..item });
            }
        }
    }
}

/// Iterator over the groups of a [`Cp`].
#[derive(Debug, Clone)]
pub struct Groups<'c> {
    rest: &'c str,
}

impl<'c> Iterator for Groups<'c> {
    type Item = Group<'c>;
    fn next(&mut self) -> Option<Group<'c>> {
        loop {
            let (part, _) = next_part(&mut self.rest, b';', b';', true)?;
            let group = Group { text: part.text };
            // A group with no item (only spaces or commas) is not a group.
            if group.items().next().is_some() {
                return Some(group);
            }
        }
    }
}

/// Bytes the tokenizer must stop at: the separators, `=` and `-`. Everything else is skipped with one
/// table look-up.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b';' as usize] = true;
    table[b',' as usize] = true;
    table[b'=' as usize] = true;
    table[b'-' as usize] = true;
    table
};

/// One part cut off the data area's text, with where its first `=` and first `-` (before the `=`) are.
pub(crate) struct Part<'c> {
    pub(crate) text: &'c str,
    pub(crate) eq: Option<usize>,
    pub(crate) dash: Option<usize>,
}

/// Cuts the next part off `rest` at the first `sep` or `sep2`, skipping separators inside `//…//` log text
/// (HJ 212-2017 Table 4, `xxxxxx-Info`). Returns the part and the separator that ended it (0 at the end),
/// or `None` once `rest` is exhausted. One pass: the `=` and `-` of the item are noted on the way.
/// `log_text` is false for the header, where `//` has no meaning.
pub(crate) fn next_part<'c>(
    rest: &mut &'c str,
    sep: u8,
    sep2: u8,
    log_text: bool,
) -> Option<(Part<'c>, u8)> {
    if rest.is_empty() {
        return None;
    }
    let text = *rest;
    let bytes = text.as_bytes();
    let (mut eq, mut dash) = (None, None);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[usize::from(b)] {
            i += 1;
            continue;
        }
        if b == sep || b == sep2 {
            *rest = &text[i + 1..];
            return Some((
                Part {
                    text: &text[..i],
                    eq,
                    dash,
                },
                b,
            ));
        }
        if b == b'-' && eq.is_none() && dash.is_none() {
            dash = Some(i);
        } else if b == b'=' && eq.is_none() {
            eq = Some(i);
            if log_text && bytes.get(i + 1) == Some(&b'/') && bytes.get(i + 2) == Some(&b'/') {
                // Log text: separators count again only after the closing "//".
                i += 3;
                while i < bytes.len() && !(bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    *rest = "";
    Some((Part { text, eq, dash }, 0))
}

/// One `Name=value` item of the data area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'c> {
    /// The whole name, e.g. `w01018-Rtd` or `DataTime` (surrounding spaces removed).
    pub key: &'c str,
    /// The factor code before the first `-` (`w01018`, `SB1`, `i12001`), or `None` for a plain field.
    pub code: Option<&'c str>,
    /// The field: the part after the first `-` (`Rtd`), or the whole name for a plain field (`DataTime`).
    pub field: &'c str,
    /// The value's exact text (may be empty).
    pub value: &'c str,
    /// Index of the group (0-based) the item belongs to.
    pub group: usize,
}

impl<'c> Item<'c> {
    fn parse(part: Part<'c>) -> Option<Item<'c>> {
        let Part { text, eq, dash } = part;
        let (key, value) = match eq {
            Some(p) => (text[..p].trim_ascii(), text[p + 1..].trim_ascii()),
            None => (text.trim_ascii(), ""),
        };
        if key.is_empty() && eq.is_none() {
            return None;
        }
        let (code, field) = match dash {
            // The dash is in the key; it splits it unless it is the key's first character.
            Some(p) if !text[..p].trim_ascii().is_empty() => (
                Some(text[..p].trim_ascii_start()),
                text[p + 1..eq.unwrap_or(text.len())].trim_ascii_end(),
            ),
            _ => (None, key),
        };
        Some(Item {
            key,
            code,
            field,
            value,
            group: 0,
        })
    }

    /// The field as a known kind (HJ 212-2017 Table 4, HJ 212-2025 additions).
    pub fn field_kind(&self) -> Field {
        Field::parse(self.field)
    }
}

/// The fields of HJ 212-2017 Table 4 (plus HJ/T 212-2005 and HJ 212-2025 additions) that follow a factor code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `-Rtd`: real-time value.
    Rtd,
    /// `-Min`: minimum over the interval.
    Min,
    /// `-Avg`: mean over the interval.
    Avg,
    /// `-Max`: maximum over the interval.
    Max,
    /// `-Cou`: cumulative amount over the interval.
    Cou,
    /// `-ZsRtd`: converted (折算) real-time value.
    ZsRtd,
    /// `-ZsMin`: converted minimum.
    ZsMin,
    /// `-ZsAvg`: converted mean.
    ZsAvg,
    /// `-ZsMax`: converted maximum.
    ZsMax,
    /// `-Flag`: instrument data flag (HJ 212-2017 §6.6, see [`DataFlag`]).
    Flag,
    /// `-EFlag`: instrument-defined extended flag.
    EFlag,
    /// `-SampleTime`: sampling time of a non-continuous analyser.
    SampleTime,
    /// `-RS`: treatment-facility run state.
    Rs,
    /// `-RT`: facility running hours in the day.
    Rt,
    /// `-Data`: noise value for the whole period.
    Data,
    /// `-DayData`: daytime noise value.
    DayData,
    /// `-NightData`: night-time noise value.
    NightData,
    /// `-Info`: field-side information (i-codes).
    Info,
    /// `-SN`: instrument serial (EPC-96).
    Sn,
    /// `-Ala`: value during an alarm (HJ/T 212-2005).
    Ala,
    /// `-CompleteTime`: analysis completion time (HJ 212-2025, CN 2013).
    CompleteTime,
    /// `-SampleType`: sample type (HJ 212-2025, CN 2013).
    SampleType,
    /// `-SampleRd`: standard-check reading (HJ 212-2025, CN 2062).
    SampleRd,
    /// `-StandardValue`: standard-check reference value (HJ 212-2025, CN 2062).
    StandardValue,
    /// `-ResultType`: standard-check result, 1 pass / 0 fail (HJ 212-2025, CN 2062).
    ResultType,
    /// `-RawAvg`: (HJ 212-2025 p.59 example; meaning unconfirmed).
    RawAvg,
    /// Any other field name; the text is in [`Item::field`].
    Other,
}

impl Field {
    /// The kind of a field name (ASCII case ignored).
    pub fn parse(name: &str) -> Field {
        let exact = match name {
            "Rtd" => Field::Rtd,
            "Flag" => Field::Flag,
            "Avg" => Field::Avg,
            "Min" => Field::Min,
            "Max" => Field::Max,
            "Cou" => Field::Cou,
            "ZsRtd" => Field::ZsRtd,
            "ZsAvg" => Field::ZsAvg,
            "ZsMin" => Field::ZsMin,
            "ZsMax" => Field::ZsMax,
            "RS" => Field::Rs,
            "RT" => Field::Rt,
            _ => Field::Other,
        };
        if exact != Field::Other {
            return exact;
        }
        const NAMES: [(&str, Field); 26] = [
            ("Rtd", Field::Rtd),
            ("Min", Field::Min),
            ("Avg", Field::Avg),
            ("Max", Field::Max),
            ("Cou", Field::Cou),
            ("ZsRtd", Field::ZsRtd),
            ("ZsMin", Field::ZsMin),
            ("ZsAvg", Field::ZsAvg),
            ("ZsMax", Field::ZsMax),
            ("Flag", Field::Flag),
            ("EFlag", Field::EFlag),
            ("SampleTime", Field::SampleTime),
            ("RS", Field::Rs),
            ("RT", Field::Rt),
            ("Data", Field::Data),
            ("DayData", Field::DayData),
            ("NightData", Field::NightData),
            ("Info", Field::Info),
            ("SN", Field::Sn),
            ("Ala", Field::Ala),
            ("CompleteTime", Field::CompleteTime),
            ("SampleType", Field::SampleType),
            ("SampleRd", Field::SampleRd),
            ("StandardValue", Field::StandardValue),
            ("ResultType", Field::ResultType),
            ("RawAvg", Field::RawAvg),
        ];
        // Exact spelling first (the common case), then any ASCII case.
        NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .or_else(|| NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
            .map_or(Field::Other, |&(_, f)| f)
    }
}

/// An instrument data flag (`xxxxxx-Flag`; HJ 212-2017 §6.6 Table 8, HJ/T 212-2005 flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataFlag {
    /// `N`: instrument working normally (the only flag that makes a valid value).
    Normal,
    /// `F`: instrument stopped (2005: emission source stopped).
    Stopped,
    /// `M`: maintenance.
    Maintenance,
    /// `S`: manually set value.
    Manual,
    /// `D`: instrument fault.
    Fault,
    /// `C`: calibration.
    Calibration,
    /// `T`: above the instrument's measuring upper limit (not "exceeds a standard").
    OverRange,
    /// `B`: instrument–data logger communication failure.
    CommunicationFailure,
    /// `P`: power failure (HJ/T 212-2005).
    PowerFailure,
    /// `0`: calibration data (HJ/T 212-2005 air stations).
    AirCalibration,
    /// `1`: meteorological parameter (HJ/T 212-2005 air stations).
    AirMeteorological,
    /// `2`: abnormal data (HJ/T 212-2005 air stations).
    AirAbnormal,
    /// `3`: normal data (HJ/T 212-2005 air stations).
    AirNormal,
    /// Anything else (the text stays in the item's value); treat as not valid.
    Unknown,
}

impl DataFlag {
    /// The flag a value's text stands for.
    pub fn parse(text: &str) -> DataFlag {
        match text.trim() {
            "N" => DataFlag::Normal,
            "F" => DataFlag::Stopped,
            "M" => DataFlag::Maintenance,
            "S" => DataFlag::Manual,
            "D" => DataFlag::Fault,
            "C" => DataFlag::Calibration,
            "T" => DataFlag::OverRange,
            "B" => DataFlag::CommunicationFailure,
            "P" => DataFlag::PowerFailure,
            "0" => DataFlag::AirCalibration,
            "1" => DataFlag::AirMeteorological,
            "2" => DataFlag::AirAbnormal,
            "3" => DataFlag::AirNormal,
            _ => DataFlag::Unknown,
        }
    }

    /// Whether a value with this flag counts as a valid measurement (`N`, or 2005 air `3`; hj212.md §4).
    pub fn is_valid(self) -> bool {
        matches!(self, DataFlag::Normal | DataFlag::AirNormal)
    }

    /// The flag's letter or digit as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            DataFlag::Normal => "N",
            DataFlag::Stopped => "F",
            DataFlag::Maintenance => "M",
            DataFlag::Manual => "S",
            DataFlag::Fault => "D",
            DataFlag::Calibration => "C",
            DataFlag::OverRange => "T",
            DataFlag::CommunicationFailure => "B",
            DataFlag::PowerFailure => "P",
            DataFlag::AirCalibration => "0",
            DataFlag::AirMeteorological => "1",
            DataFlag::AirAbnormal => "2",
            DataFlag::AirNormal => "3",
            DataFlag::Unknown => "?",
        }
    }
}

/// Builds a data area's text group by group.
///
/// ```
/// let cp = hj212::cp::CpBuilder::new()
///     .item("DataTime", "20160801085857")
///     .group()
///     .item("w01018-Rtd", "2.20")
///     .item("w01018-Flag", "N")
///     .build();
/// assert_eq!(cp.as_str(), "DataTime=20160801085857;w01018-Rtd=2.20,w01018-Flag=N");
/// ```
#[derive(Debug, Clone, Default)]
pub struct CpBuilder {
    text: String,
    group_open: bool,
}

impl CpBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        CpBuilder::default()
    }

    /// Adds `key=value` to the current group.
    pub fn item(mut self, key: &str, value: &str) -> Self {
        if self.group_open {
            self.text.push(',');
        }
        self.text.push_str(key);
        self.text.push('=');
        self.text.push_str(value);
        self.group_open = true;
        self
    }

    /// Starts a new group (the next item is preceded by `;`).
    pub fn group(mut self) -> Self {
        if self.group_open {
            self.text.push(';');
            self.group_open = false;
        }
        self
    }

    /// The data area.
    pub fn build(self) -> Cp<'static> {
        Cp::new(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_items_keep_order_and_text() {
        let cp = Cp::new(
            "DataTime=20160801085857;w01001-Rtd=7.10,w01001-Flag=N;w01018-SampleTime=20160801070000,w01018-Rtd=2.2,w01018-Flag=N,w01018-EFlag=A01",
        );
        let groups: Vec<_> = cp.groups().map(|g| g.as_str()).collect();
        assert_eq!(groups.len(), 3);
        let items: Vec<_> = cp
            .items()
            .map(|i| (i.code, i.field, i.value, i.group))
            .collect();
        assert_eq!(items[0], (None, "DataTime", "20160801085857", 0));
        assert_eq!(items[1], (Some("w01001"), "Rtd", "7.10", 1));
        assert_eq!(items[6], (Some("w01018"), "EFlag", "A01", 2));
        assert_eq!(cp.get("w01018-Rtd"), Some("2.2"));
        assert_eq!(Field::parse("ZsRtd"), Field::ZsRtd);
        assert_eq!(
            DataFlag::parse(cp.get("w01001-Flag").unwrap()),
            DataFlag::Normal
        );
    }

    #[test]
    fn tolerances() {
        assert!(Cp::new(" ").is_empty());
        let cp = Cp::new(" DataTime=20100301145000; i12003-Info =0;Flag=N;a01013-SampleTime=;");
        let items: Vec<_> = cp.items().map(|i| (i.key, i.value)).collect();
        assert_eq!(
            items,
            vec![
                ("DataTime", "20100301145000"),
                ("i12003-Info", "0"),
                ("Flag", "N"),
                ("a01013-SampleTime", "")
            ]
        );
    }

    #[test]
    fn log_text_may_contain_separators() {
        let cp = Cp::new("DataTime=20100301145000;i11001-Info=//清洗;管路,a=b//;PolId=w01018");
        let items: Vec<_> = cp.items().map(|i| (i.key, i.value)).collect();
        assert_eq!(
            items,
            vec![
                ("DataTime", "20100301145000"),
                ("i11001-Info", "//清洗;管路,a=b//"),
                ("PolId", "w01018")
            ]
        );
    }
}
