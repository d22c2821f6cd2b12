//! `hearth calendar ...`: the working-day calendar of England and Wales.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use hearth_standards::Calendar as WorkingDays;

/// Calendar questions.
#[derive(Debug, Subcommand)]
pub enum Calendar {
    /// Prints the bank holidays of England and Wales in a year, one ISO date per line.
    Holidays {
        /// The year.
        #[arg(value_parser = clap::value_parser!(i32).range(1..=9999))]
        year: i32,
    },
    /// Prints the date N working days after DATE (before it when N is negative).
    AddWorkingDays {
        /// The date to count from (YYYY-MM-DD).
        date: NaiveDate,
        /// How many working days.
        #[arg(allow_negative_numbers = true, value_parser = clap::value_parser!(i32).range(-100_000..=100_000))]
        n: i32,
    },
}

impl Calendar {
    /// Answers the question.
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let calendar = WorkingDays::england_and_wales();
        match self {
            Calendar::Holidays { year } => {
                for h in calendar.holidays(year) {
                    println!("{}", h.date);
                }
            }
            Calendar::AddWorkingDays { date, n } => {
                let due = calendar.add_working_days(date, n).ok_or_else(|| {
                    anyhow::anyhow!("{n} working days from {date} is beyond the calendar")
                })?;
                println!("{due}");
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
