//! Reading level: the Flesch-Kincaid grade of a text, given as a UK reading age (grade + 5),
//! with a target per reader.
//!
//! Flesch-Kincaid was chosen because it needs only words, sentences and syllables, so a
//! test can work an example by hand, and because its grade maps onto a reading age. It
//! rewards short sentences and short words, which is what children and tired parents need,
//! and it cannot tell whether a text makes sense: it is a floor, not a judge.
//!
//! An average can hide one hard paragraph, and that is the one a reader stops at, so a text
//! passes only if the whole meets the target and no paragraph of some length is far above it.

use crate::AgeBand;

/// Who a text is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Child(AgeBand),
    /// Parents and carers: about the reading age of 11, as the issue asks of family letters.
    Family,
}

impl Reader {
    /// The highest reading age the text may have.
    pub fn target(self) -> f64 {
        match self {
            Self::Child(AgeBand::Under8) => 8.0,
            Self::Child(AgeBand::From8To12) => 10.0,
            Self::Child(AgeBand::From13) => 12.0,
            Self::Family => 11.0,
        }
    }
}

/// A paragraph at least this long is checked on its own.
const PARAGRAPH_WORDS: usize = 12;
/// How far above the target one paragraph may be.
const PARAGRAPH_MARGIN: f64 = 3.0;

/// Counts of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl Counts {
    /// Counts a text. Sentences end at `.`, `!` or `?` and at a paragraph break (a blank
    /// line), so headings and list items count as short sentences, which is how they read.
    /// Tokens with a digit or an `@` (dates, phone numbers, email addresses) are not words:
    /// they are looked up, not read as prose.
    pub fn of(text: &str) -> Self {
        let mut counts = Self::default();
        for paragraph in text.split("\n\n") {
            let mut open = false;
            for token in paragraph.split_whitespace() {
                let word: String = token.chars().filter(|c| c.is_alphabetic()).collect();
                let is_word =
                    !word.is_empty() && !token.contains(|c: char| c.is_ascii_digit() || c == '@');
                if is_word {
                    counts.words += 1;
                    counts.syllables += syllables(&word);
                    open = true;
                }
                // A closing quotation mark after the full stop still ends the sentence.
                let ends = token
                    .trim_end_matches(['"', '\u{201d}', ')'])
                    .ends_with(['.', '!', '?']);
                if open && ends {
                    counts.sentences += 1;
                    open = false;
                }
            }
            if open {
                counts.sentences += 1;
            }
        }
        counts
    }

    /// The Flesch-Kincaid grade: 0.39 (words per sentence) + 11.8 (syllables per word) - 15.59.
    pub fn grade(self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        let words = self.words as f64;
        0.39 * (words / self.sentences.max(1) as f64) + 11.8 * (self.syllables as f64 / words)
            - 15.59
    }

    /// The reading age in years: the grade plus five (a US grade 1 reader is about six).
    pub fn reading_age(self) -> f64 {
        self.grade() + 5.0
    }
}

/// Syllables in one word of letters, by the usual English heuristic: groups of vowels, less a
/// silent final `e` (but not the `-le` of "little") and the silent `-ed`/`-es` endings.
pub fn syllables(word: &str) -> usize {
    let w = word.to_lowercase();
    let letters: Vec<char> = w.chars().collect();
    let n = letters.len();
    if n <= 3 {
        return 1;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let (last, before, third) = (letters[n - 1], letters[n - 2], letters[n - 3]);
    // "-le" after a consonant is a syllable of its own ("lit-tle"); another final e is silent.
    let syllabic_le = before == 'l' && !vowel(third);
    let silent = match (before, last) {
        (_, 'e') if !syllabic_le => 1,
        ('e', 'd') if !matches!(third, 't' | 'd') => 2,
        ('e', 's') if !matches!(third, 's' | 'x' | 'z' | 'c' | 'g' | 'h') => 2,
        _ => 0,
    };
    let end = n - silent;
    let mut groups = 0;
    let mut in_vowels = false;
    for &c in &letters[..end] {
        if vowel(c) && !in_vowels {
            groups += 1;
        }
        in_vowels = vowel(c);
    }
    groups.max(1)
}

/// Why a text is too hard for its reader.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TooHard {
    #[error("reading age {reading_age:.1} is above the target of {target}")]
    Overall { reading_age: f64, target: f64 },
    #[error(
        "a paragraph has reading age {reading_age:.1}, far above the target of {target}: {paragraph}"
    )]
    Paragraph {
        paragraph: String,
        reading_age: f64,
        target: f64,
    },
}

/// Checks `text` (paragraphs separated by blank lines) against its reader's target, and
/// gives its reading age when it passes.
pub fn check(text: &str, reader: Reader) -> Result<f64, TooHard> {
    let target = reader.target();
    for paragraph in text.split("\n\n") {
        let counts = Counts::of(paragraph);
        if counts.words >= PARAGRAPH_WORDS && counts.reading_age() > target + PARAGRAPH_MARGIN {
            return Err(TooHard::Paragraph {
                paragraph: paragraph.to_owned(),
                reading_age: counts.reading_age(),
                target,
            });
        }
    }
    let reading_age = Counts::of(text).reading_age();
    if reading_age > target {
        return Err(TooHard::Overall {
            reading_age,
            target,
        });
    }
    Ok(reading_age)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn syllables_of_words_counted_by_hand() {
        for (word, n) in [
            ("cat", 1),
            ("school", 1),
            ("teacher", 2),
            ("little", 2),
            ("table", 2),
            ("make", 1),
            ("jumped", 1),
            ("wanted", 2),
            ("boxes", 2),
            ("likes", 1),
            ("family", 3),
            ("happy", 2),
            ("conference", 3),
            ("social", 2),
            ("worker", 2),
            ("contingency", 4),
            ("understanding", 4),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    /// "The cat sat on the mat.": 6 words, 1 sentence, 6 syllables.
    /// Grade = 0.39 x 6 + 11.8 x 1 - 15.59 = -1.45; reading age 3.55.
    #[test]
    fn a_sentence_worked_by_hand() {
        let c = Counts::of("The cat sat on the mat.");
        assert_eq!(
            c,
            Counts {
                words: 6,
                sentences: 1,
                syllables: 6
            }
        );
        assert!((c.grade() - -1.45).abs() < 1e-9);
        assert!((c.reading_age() - 3.55).abs() < 1e-9);
    }

    /// "I like my school. My teacher is kind.": 8 words, 2 sentences, 9 syllables
    /// (teacher has 2). Grade = 0.39 x 4 + 11.8 x 9/8 - 15.59 = -0.755.
    #[test]
    fn two_sentences_worked_by_hand() {
        let c = Counts::of("I like my school. My teacher is kind.");
        assert_eq!((c.words, c.sentences, c.syllables), (8, 2, 9));
        assert!((c.grade() - -0.755).abs() < 1e-9);
    }

    /// 18 words, 1 sentence, 49 syllables (the1 con-fer-ence3 de-ter-mined3 that1 the1
    /// pa-ren-tal3 ca-pa-ci-ty4 as-sess-ment3 dem-on-strat-ed4 in-suf-fi-cient4 pro-gress2
    /// ne-ces-si-tat-ing5 con-tin-ued3 stat-u-to-ry4 in-ter-ven-tion4 un-der2 the1 plan1).
    /// Grade = 0.39 x 18 + 11.8 x 49/18 - 15.59 = 23.552; reading age 28.552.
    #[test]
    fn an_adult_sentence_worked_by_hand() {
        let text = "The conference determined that the parental capacity assessment \
                    demonstrated insufficient progress, necessitating continued statutory \
                    intervention under the plan.";
        let c = Counts::of(text);
        assert_eq!((c.words, c.sentences, c.syllables), (18, 1, 49));
        assert!((c.grade() - 23.552).abs() < 1e-3, "{}", c.grade());
        assert!((c.reading_age() - 28.552).abs() < 1e-3);
    }

    #[test]
    fn dates_phone_numbers_and_emails_are_not_words() {
        let c = Counts::of("Call Sam on 01632 960 123 or sam@council.example by 4 March 2027.");
        assert_eq!(c.words, 6); // Call Sam on or by March
        assert_eq!(c.sentences, 1);
    }

    #[test]
    fn a_paragraph_break_ends_a_sentence() {
        assert_eq!(
            Counts::of("What is going well\n\nI like school.").sentences,
            2
        );
    }

    #[test]
    fn targets_rise_with_age() {
        let t = |b| Reader::Child(b).target();
        assert!(t(AgeBand::Under8) < t(AgeBand::From8To12));
        assert!(t(AgeBand::From8To12) < t(AgeBand::From13));
        assert_eq!(Reader::Family.target(), 11.0);
    }

    #[test]
    fn one_hard_paragraph_fails_an_easy_text() {
        let easy = "I like my school. My teacher is kind. ".repeat(20);
        assert!(check(&easy, Reader::Child(AgeBand::Under8)).is_ok());
        let hard = format!(
            "{easy}\n\nThe conference determined that the parental capacity assessment \
             demonstrated insufficient progress, necessitating continued statutory \
             intervention under the plan."
        );
        assert!(matches!(
            check(&hard, Reader::Child(AgeBand::Under8)),
            Err(TooHard::Paragraph { .. })
        ));
    }

    proptest! {
        /// Longer sentences never make a text easier.
        #[test]
        fn longer_sentences_never_read_easier(words in 1usize..30, extra in 1usize..30) {
            let sentence = |n: usize| format!("{}.", vec!["cat"; n].join(" "));
            let short = Counts::of(&sentence(words));
            let long = Counts::of(&sentence(words + extra));
            prop_assert!(long.grade() > short.grade());
        }

        /// Every word has at least one syllable and no more than it has letters.
        #[test]
        fn syllables_are_bounded(word in "[a-z]{1,20}") {
            let n = syllables(&word);
            prop_assert!(n >= 1 && n <= word.len());
        }
    }
}
