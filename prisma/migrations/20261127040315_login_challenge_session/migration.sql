-- AlterTable
ALTER TABLE "LoginChallenge" ADD COLUMN     "sessionId" TEXT;
