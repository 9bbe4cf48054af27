//! AQI levels, categories and colours (HJ 633-2012 Table 2 + Table A.1 = HJ 633-2026 Table 1 + Table A.1).

use std::fmt;

/// The six AQI levels (空气质量指数级别), identical in HJ 633-2012 Table 2 and HJ 633-2026 Table 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 一级 优, AQI 0–50 (2026 writes 1–50).
    One = 1,
    /// 二级 良, AQI 51–100.
    Two,
    /// 三级 轻度污染, AQI 101–150.
    Three,
    /// 四级 中度污染, AQI 151–200.
    Four,
    /// 五级 重度污染, AQI 201–300.
    Five,
    /// 六级 严重污染, AQI > 300.
    Six,
}

/// A colour of HJ 633 Appendix A Table A.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour {
    /// Chinese name (绿色 … 褐红色).
    pub name_zh: &'static str,
    /// Red, green, blue (0–255).
    pub rgb: (u8, u8, u8),
    /// `#RRGGBB`.
    pub hex: &'static str,
    /// Cyan, magenta, yellow, black (percent).
    pub cmyk: (u8, u8, u8, u8),
}

impl Level {
    /// All six, best first.
    pub const ALL: [Level; 6] = [
        Level::One,
        Level::Two,
        Level::Three,
        Level::Four,
        Level::Five,
        Level::Six,
    ];

    /// The level of an AQI (HJ 633-2012 Table 2 / HJ 633-2026 Table 1 ranges).
    pub fn of(aqi: u16) -> Level {
        match aqi {
            0..=50 => Level::One,
            51..=100 => Level::Two,
            101..=150 => Level::Three,
            151..=200 => Level::Four,
            201..=300 => Level::Five,
            _ => Level::Six,
        }
    }

    /// 1…6.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// 一级 … 六级.
    pub fn name_zh(self) -> &'static str {
        ["一级", "二级", "三级", "四级", "五级", "六级"][self as usize - 1]
    }

    /// 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染.
    pub fn category_zh(self) -> &'static str {
        ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"][self as usize - 1]
    }

    /// Excellent, Good, Lightly polluted, Moderately polluted, Heavily polluted, Severely polluted.
    pub fn category_en(self) -> &'static str {
        [
            "Excellent",
            "Good",
            "Lightly polluted",
            "Moderately polluted",
            "Heavily polluted",
            "Severely polluted",
        ][self as usize - 1]
    }

    /// The display colour (HJ 633 Table A.1; the purple is #99004C, not the US EPA one).
    pub fn colour(self) -> Colour {
        COLOURS[self as usize - 1]
    }

    /// The lowest and highest AQI of the level (`None` above: level 6 is open-ended).
    pub fn range(self) -> (u16, Option<u16>) {
        match self {
            Level::One => (0, Some(50)),
            Level::Two => (51, Some(100)),
            Level::Three => (101, Some(150)),
            Level::Four => (151, Some(200)),
            Level::Five => (201, Some(300)),
            Level::Six => (301, None),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

const COLOURS: [Colour; 6] = [
    Colour {
        name_zh: "绿色",
        rgb: (0, 228, 0),
        hex: "#00E400",
        cmyk: (40, 0, 100, 0),
    },
    Colour {
        name_zh: "黄色",
        rgb: (255, 255, 0),
        hex: "#FFFF00",
        cmyk: (0, 0, 100, 0),
    },
    Colour {
        name_zh: "橙色",
        rgb: (255, 126, 0),
        hex: "#FF7E00",
        cmyk: (0, 52, 100, 0),
    },
    Colour {
        name_zh: "红色",
        rgb: (255, 0, 0),
        hex: "#FF0000",
        cmyk: (0, 100, 100, 0),
    },
    Colour {
        name_zh: "紫色",
        rgb: (153, 0, 76),
        hex: "#99004C",
        cmyk: (10, 100, 40, 30),
    },
    Colour {
        name_zh: "褐红色",
        rgb: (126, 0, 35),
        hex: "#7E0023",
        cmyk: (30, 100, 100, 30),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert_eq!(Level::of(0), Level::One);
        assert_eq!(Level::of(50), Level::One);
        assert_eq!(Level::of(51), Level::Two);
        assert_eq!(Level::of(100), Level::Two);
        assert_eq!(Level::of(101), Level::Three);
        assert_eq!(Level::of(300), Level::Five);
        assert_eq!(Level::of(301), Level::Six);
        assert_eq!(Level::of(500), Level::Six);
        assert_eq!(Level::Five.colour().hex, "#99004C");
        assert_eq!(Level::Three.category_zh(), "轻度污染");
    }
}
