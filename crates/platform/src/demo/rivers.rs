//! The demo city's reaches and chiefs: four reaches of Zhaotong's rivers with the demo's water sections on
//! them. The courses are schematic (drawn through the sections' points, not surveyed) and the chiefs are
//! invented (their names say 示例); `demo-river-chief` is the county chief of the Sayu River reach.

use crate::rivers::{ChiefInput, ReachInput};

fn chief(level: &str, name: &str, title: &str, account: Option<&str>) -> ChiefInput {
    ChiefInput {
        level: level.into(),
        name: name.into(),
        title: Some(title.into()),
        account: account.map(str::to_string),
    }
}

#[allow(clippy::too_many_arguments)]
fn reach(
    id: &str,
    waterbody: &str,
    name: &str,
    span: (&str, &str),
    counties: &[&str],
    sections: &[&str],
    target: &str,
    course: &[[f64; 2]],
    chiefs: Vec<ChiefInput>,
) -> ReachInput {
    ReachInput {
        id: id.into(),
        waterbody_id: waterbody.into(),
        name: name.into(),
        start_point: Some(span.0.into()),
        end_point: Some(span.1.into()),
        counties: counties.iter().map(|c| c.to_string()).collect(),
        sections: sections.iter().map(|s| s.to_string()).collect(),
        target_class: Some(target.into()),
        length_km: None,
        phone: Some("0870-12369".into()),
        course: course.to_vec(),
        chiefs,
    }
}

/// The demo's reaches with their chiefs.
pub fn reaches() -> Vec<ReachInput> {
    vec![
        reach(
            "R01",
            "WB04",
            "洒渔河昭阳段(示例)",
            ("渔洞水库坝下", "昭阳城区"),
            &["530602"],
            &["W07"],
            "II",
            &[[103.56, 27.49], [103.62, 27.40], [103.70, 27.36]],
            vec![
                chief("city", "示例·赵明", "副市长", None),
                chief(
                    "county",
                    "示例·钱华",
                    "昭阳区副区长",
                    Some("demo-river-chief"),
                ),
                chief("township", "示例·孙丽", "洒渔镇镇长", None),
                chief("village", "示例·李强", "村委会主任", None),
            ],
        ),
        reach(
            "R02",
            "WB06",
            "牛栏江鲁甸—昭阳段(示例)",
            ("鲁甸入境", "入金沙江口"),
            &["530621", "530602"],
            &["W08", "W09"],
            "III",
            &[
                [103.42585, 27.00869],
                [103.30, 27.20],
                [103.14382, 27.42533],
            ],
            vec![
                chief("province", "示例·周平", "副省长", None),
                chief("county", "示例·吴刚", "鲁甸县副县长", None),
            ],
        ),
        reach(
            "R03",
            "WB02",
            "横江盐津段(示例)",
            ("彝良县界", "盐津县城下游"),
            &["530623"],
            &["W04"],
            "III",
            &[[104.06, 27.90], [104.245, 28.125], [104.30, 28.30]],
            vec![chief("county", "示例·郑洁", "盐津县副县长", None)],
        ),
        reach(
            "R04",
            "WB07",
            "赤水河镇雄段(示例)",
            ("滇黔界", "鸡鸣三省"),
            &["530627"],
            &["W10", "W11"],
            "II",
            &[[105.03, 27.41], [105.15, 27.55], [105.28644, 27.71311]],
            vec![
                chief("city", "示例·王芳", "市委副书记", None),
                chief("county", "示例·冯伟", "镇雄县县长", None),
            ],
        ),
    ]
}
