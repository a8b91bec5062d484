// The routes of the interface: a pattern on the hash path and its view.
import { homeView } from './home.js';
import { loginView, registerView, setPasswordView } from './auth.js';
import { callView } from './calls.js';
import { selfCheckView } from './selfcheck.js';
import { profileView } from './profile.js';
import { applicationView, messagesView, myApplicationsView } from './applications.js';
import { applicationEditView } from './draft.js';
import { staffCallEditView, staffCallsView } from './staff-calls.js';
import { staffApplicationsView, staffApplicationView } from './staff-apps.js';
import { reviewQueueView, reviewView } from './reviewer.js';
import { staffAssignmentsView, staffCommitteeView, staffRankingView } from './staff-review.js';
import { staffAllocationView, staffDecideView, staffDecisionsView } from './staff-decisions.js';
import { staffAwardsView, staffAwardView } from './staff-awards.js';
import { staffUsersView } from './staff-users.js';
import {
  matchSessionsView, menteeMentoringView, mentorMatchesView, mentorProfileView, needsView,
} from './mentoring.js';
import { staffMatchingView } from './staff-matching.js';
import { businessView, checkinFormView, checkinView, myBusinessView } from './business.js';
import { staffFollowupsView } from './staff-followup.js';
import { staffTrainingEditView, staffTrainingsView, trainingsView } from './trainings.js';
import { staffReportsView } from './staff-reports.js';

export const views = [
  [/^\/$/, homeView],
  [/^\/login$/, loginView],
  [/^\/register$/, registerView],
  [/^\/set-password$/, setPasswordView],
  [/^\/calls\/(\d+)$/, callView],
  [/^\/self-check$/, selfCheckView],
  [/^\/profile$/, profileView],
  [/^\/applications$/, myApplicationsView],
  [/^\/applications\/(\d+)$/, applicationView],
  [/^\/applications\/(\d+)\/edit$/, applicationEditView],
  [/^\/messages$/, messagesView],
  [/^\/staff\/calls$/, staffCallsView],
  [/^\/staff\/calls\/new$/, staffCallEditView],
  [/^\/staff\/calls\/(\d+)$/, staffCallEditView],
  [/^\/staff\/applications$/, staffApplicationsView],
  [/^\/staff\/applications\/(\d+)$/, staffApplicationView],
  [/^\/staff\/calls\/(\d+)\/committee$/, staffCommitteeView],
  [/^\/staff\/calls\/(\d+)\/assignments$/, staffAssignmentsView],
  [/^\/staff\/calls\/(\d+)\/ranking$/, staffRankingView],
  [/^\/staff\/calls\/(\d+)\/allocation$/, staffAllocationView],
  [/^\/staff\/calls\/(\d+)\/decide\/(\d+)$/, staffDecideView],
  [/^\/staff\/calls\/(\d+)\/decisions$/, staffDecisionsView],
  [/^\/staff\/calls\/(\d+)\/awards$/, staffAwardsView],
  [/^\/staff\/awards\/(\d+)$/, staffAwardView],
  [/^\/staff\/reports$/, staffReportsView],
  [/^\/reviews$/, reviewQueueView],
  [/^\/reviews\/(\d+)$/, reviewView],
  [/^\/staff\/users$/, staffUsersView],
  [/^\/mentor$/, mentorMatchesView],
  [/^\/mentor\/profile$/, mentorProfileView],
  [/^\/matches\/(\d+)$/, matchSessionsView],
  [/^\/mentoring$/, menteeMentoringView],
  [/^\/applications\/(\d+)\/mentoring$/, needsView],
  [/^\/staff\/calls\/(\d+)\/matching$/, staffMatchingView],
  [/^\/business$/, myBusinessView],
  [/^\/business\/(\d+)$/, businessView],
  [/^\/business\/(\d+)\/checkin\/(\d+)$/, checkinFormView],
  [/^\/checkins\/(\d+)$/, checkinView],
  [/^\/staff\/followups$/, staffFollowupsView],
  [/^\/staff\/businesses\/(\d+)$/, businessView],
  [/^\/trainings$/, trainingsView],
  [/^\/staff\/trainings$/, staffTrainingsView],
  [/^\/staff\/trainings\/new$/, staffTrainingEditView],
  [/^\/staff\/trainings\/(\d+)$/, staffTrainingEditView],
];
